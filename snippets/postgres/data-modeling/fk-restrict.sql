-- example: data=sample error=foreign_key_violation
-- orders.customer_id REFERENCES customers (id) ON DELETE RESTRICT: an order is a business
-- record; a customer who has one cannot be deleted. (PostgreSQL 18 reports the refusal as
-- restrict_violation, 23001; PostgreSQL 15 and 17 as foreign_key_violation, 23503.)
-- Customer 1261 never ordered: it can go.
DELETE FROM customers WHERE id = 1261;
SELECT count(*) AS orders_of_customer_2 FROM orders WHERE customer_id = 2;
DELETE FROM customers WHERE id = 2;
