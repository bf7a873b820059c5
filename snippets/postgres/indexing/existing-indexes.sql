-- example: data=sample
-- The indexes the sample schema starts with. Every PRIMARY KEY and UNIQUE constraint
-- brought its own unique index; the foreign keys brought none.
SELECT tablename, indexname, indexdef
FROM pg_indexes
WHERE schemaname = 'public'
  AND tablename IN ('users', 'orders', 'order_items')
ORDER BY tablename, indexname;
