-- example: engine=postgres
-- UNION ALL appends the parts.
SELECT id, total FROM orders WHERE status = 'paid' UNION ALL SELECT id, total FROM orders WHERE status = 'shipped';
