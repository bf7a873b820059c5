-- example: data=sample
-- The same question asked twice: the orders of customers in the US.
EXPLAIN (COSTS OFF)
SELECT o.id, o.total FROM orders AS o
WHERE o.customer_id IN (SELECT c.id FROM customers AS c WHERE c.region = 'US');
EXPLAIN (COSTS OFF)
SELECT o.id, o.total FROM orders AS o
WHERE EXISTS (SELECT 1 FROM customers AS c WHERE c.id = o.customer_id AND c.region = 'US');
