-- example: engine=postgres
-- No index on orders.customer_id: the plan reads all 20,000 orders and filters them.
SELECT id, total FROM orders WHERE customer_id = 42;
