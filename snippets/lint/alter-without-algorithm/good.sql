-- example: engine=mariadb
-- ALGORITHM=INSTANT: a catalog change, or an error instead of a silent copy.
CREATE TABLE counters (id int PRIMARY KEY, hits int NOT NULL);
INSERT INTO counters (id, hits)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
SELECT i, i % 7 FROM n;
ALTER TABLE counters ADD COLUMN note varchar(200), ALGORITHM=INSTANT;
