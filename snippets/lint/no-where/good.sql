-- example: engine=postgres
-- The one order meant.
UPDATE orders SET updated_at = now() WHERE id = 42;
