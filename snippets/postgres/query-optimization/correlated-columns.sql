-- example: data=sample
-- The sample schema keeps only a region per customer: give the European customers a city and
-- the country it lies in. The city determines the country, not the reverse: France and
-- Germany have two cities each.
ALTER TABLE customers ADD COLUMN city text, ADD COLUMN country text;
UPDATE customers SET (city, country) = (
    SELECT p.city, p.country
    FROM (VALUES
        (0, 'London', 'GB'), (1, 'Paris', 'FR'), (2, 'Lyon', 'FR'), (3, 'Berlin', 'DE'),
        (4, 'Munich', 'DE'), (5, 'Madrid', 'ES'), (6, 'Rome', 'IT'), (7, 'Amsterdam', 'NL'),
        (8, 'Vienna', 'AT'), (9, 'Warsaw', 'PL')
    ) AS p (n, city, country)
    WHERE p.n = customers.id % 10)
WHERE region = 'EU';
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
VACUUM ANALYZE customers;
-- What ANALYZE knows about each column on its own: the share of rows with each value.
SELECT s.attname, f.value, f.frequency
FROM pg_stats AS s,
     unnest(s.most_common_vals::text::text[], s.most_common_freqs) AS f (value, frequency)
WHERE s.tablename = 'customers' AND f.value IN ('Lyon', 'FR')
ORDER BY s.attname;
-- The orders of the customers in Lyon, France.
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT o.id, o.total
FROM customers AS c JOIN orders AS o ON o.customer_id = c.id
WHERE c.city = 'Lyon' AND c.country = 'FR';
