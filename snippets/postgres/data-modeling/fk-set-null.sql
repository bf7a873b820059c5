-- example: data=sample
-- customers.user_id REFERENCES users (id) ON DELETE SET NULL: closing an account keeps the
-- customer and the order history, now as a guest.
-- sessions.user_id REFERENCES users (id) ON DELETE CASCADE: the sessions go.
SELECT c.id AS customer_id, c.user_id,
       (SELECT count(*) FROM orders AS o WHERE o.customer_id = c.id) AS orders,
       (SELECT count(*) FROM sessions AS s WHERE s.user_id = 1) AS sessions_of_user_1
FROM customers AS c
WHERE c.id = 1;
DELETE FROM users WHERE id = 1;
SELECT c.id AS customer_id, c.user_id,
       (SELECT count(*) FROM orders AS o WHERE o.customer_id = c.id) AS orders,
       (SELECT count(*) FROM sessions AS s WHERE s.user_id = 1) AS sessions_of_user_1
FROM customers AS c
WHERE c.id = 1;
