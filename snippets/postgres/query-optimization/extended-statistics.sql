-- example: after=postgres/query-optimization/correlated-columns.sql
-- Tell ANALYZE to measure how far one column determines the other.
CREATE STATISTICS customers_city_country (dependencies) ON city, country FROM customers;
ANALYZE customers;
SELECT dependencies FROM pg_stats_ext WHERE statistics_name = 'customers_city_country';
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT o.id, o.total
FROM customers AS c JOIN orders AS o ON o.customer_id = c.id
WHERE c.city = 'Lyon' AND c.country = 'FR';
