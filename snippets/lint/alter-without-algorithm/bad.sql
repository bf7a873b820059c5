-- example: engine=mariadb
-- int → bigint cannot be done in place: without ALGORITHM the server copies all 1,000 rows.
CREATE TABLE counters (id int PRIMARY KEY, hits int NOT NULL);
INSERT INTO counters (id, hits)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
SELECT i, i % 7 FROM n;
ALTER TABLE counters MODIFY hits bigint NOT NULL;
