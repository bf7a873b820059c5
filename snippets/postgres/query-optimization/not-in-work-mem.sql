-- example: data=sample
-- Customers who never ordered. The subquery returns 20,000 ids.
SET work_mem = '64kB';
-- Too many to hash in 64 kB: the subquery's result is scanned again for every customer.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM customers AS c
WHERE c.id NOT IN (SELECT o.customer_id FROM orders AS o);
-- NOT EXISTS is an anti-join whatever the memory: one pass over each table.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM customers AS c
WHERE NOT EXISTS (SELECT FROM orders AS o WHERE o.customer_id = c.id);
