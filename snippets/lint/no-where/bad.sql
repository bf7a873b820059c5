-- example: engine=postgres
-- Every order is updated.
UPDATE orders SET updated_at = now();
