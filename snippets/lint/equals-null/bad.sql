-- example: engine=postgres
-- = NULL is never true, not even for a NULL.
SELECT count(*) FROM customers WHERE user_id = NULL;
