-- example: data=none
-- On the primary: a table, then half of its rows deleted and removed by VACUUM.
CREATE TABLE readings AS SELECT n AS id, random() AS value FROM generate_series(1, 10000) AS n;
DELETE FROM readings WHERE id <= 5000;
VACUUM readings;
