-- example: engine=postgres
-- Five random orders: every order is read and sorted by a random number.
SELECT id, total FROM orders ORDER BY random() LIMIT 5;
