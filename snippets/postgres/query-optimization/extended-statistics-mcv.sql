-- example: after=postgres/query-optimization/correlated-columns.sql,postgres/query-optimization/extended-statistics.sql
-- A pair that does not exist, and the number of (city, country) groups.
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT id FROM customers WHERE city = 'Lyon' AND country = 'DE';
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT city, country, count(*) FROM customers GROUP BY city, country;
-- All three kinds: the statistics object is replaced, not altered.
DROP STATISTICS customers_city_country;
CREATE STATISTICS customers_city_country (dependencies, ndistinct, mcv)
    ON city, country FROM customers;
ANALYZE customers;
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT id FROM customers WHERE city = 'Lyon' AND country = 'DE';
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT city, country, count(*) FROM customers GROUP BY city, country;
