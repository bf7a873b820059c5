-- example: data=sample
-- Two runs of one query with different values.
SELECT count(*) FROM orders WHERE customer_id = 123;
SELECT count(*) FROM orders WHERE customer_id = 124;
-- pg_stat_statements keeps one entry for both: the constants are replaced by $1, $2, ….
SELECT query, calls
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND query LIKE 'SELECT count(*) FROM orders%';
