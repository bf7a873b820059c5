-- example: engine=postgres
-- One customer without a user makes the subquery yield a NULL, and NOT IN then matches nothing.
SELECT count(*) FROM users WHERE id NOT IN (SELECT user_id FROM customers);
