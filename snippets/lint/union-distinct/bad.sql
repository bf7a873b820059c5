-- example: engine=postgres
-- An order has one status: the parts cannot overlap, but UNION still removes duplicates.
SELECT id, total FROM orders WHERE status = 'paid' UNION SELECT id, total FROM orders WHERE status = 'shipped';
