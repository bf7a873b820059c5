-- example: engine=postgres
-- The join says how the tables relate.
SELECT count(*) FROM customers JOIN orders ON orders.customer_id = customers.id;
