-- example: data=sample
-- categories: 57 rows that fit in one 8 kB page.
SELECT relpages, reltuples FROM pg_class WHERE relname = 'categories';
-- The primary key index exists, and the planner still reads the page directly.
EXPLAIN (COSTS OFF) SELECT id, name FROM categories WHERE id = 27;
