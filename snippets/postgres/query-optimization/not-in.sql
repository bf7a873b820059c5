-- example: data=sample
-- Users who have no customer row. customers.user_id is NULL for guest checkouts.
SELECT count(*) AS not_in FROM users AS u
WHERE u.id NOT IN (SELECT c.user_id FROM customers AS c);
SELECT count(*) AS not_exists FROM users AS u
WHERE NOT EXISTS (SELECT FROM customers AS c WHERE c.user_id = u.id);
EXPLAIN (COSTS OFF)
SELECT u.id FROM users AS u
WHERE u.id NOT IN (SELECT c.user_id FROM customers AS c);
EXPLAIN (COSTS OFF)
SELECT u.id FROM users AS u
WHERE NOT EXISTS (SELECT FROM customers AS c WHERE c.user_id = u.id);
