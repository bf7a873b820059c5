-- example: engine=postgres
-- Every column: no index can answer this alone.
SELECT * FROM orders WHERE customer_id = 42;
