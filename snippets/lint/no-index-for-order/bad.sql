-- example: engine=postgres
-- The ten newest orders: without an index on created_at, all 20,000 are read and sorted.
SELECT id, created_at FROM orders ORDER BY created_at DESC LIMIT 10;
