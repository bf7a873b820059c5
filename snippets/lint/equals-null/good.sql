-- example: engine=postgres
-- IS NULL is the test for NULL.
SELECT count(*) FROM customers WHERE user_id IS NULL;
