-- example: after=postgres/query-optimization/correlated-columns.sql
-- Ten times the default statistics target, for both columns.
ALTER TABLE customers ALTER COLUMN city SET STATISTICS 1000,
                      ALTER COLUMN country SET STATISTICS 1000;
ANALYZE customers;
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT id FROM customers WHERE city = 'Lyon' AND country = 'FR';
