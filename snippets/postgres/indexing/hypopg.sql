-- example: data=sample
-- A hypothetical index: an entry in this session's memory, nothing on disk.
SELECT indexrelid, indexname
FROM hypopg_create_index('CREATE INDEX ON orders (customer_id)');
-- Plain EXPLAIN considers it.
EXPLAIN (COSTS OFF) SELECT id, total FROM orders WHERE customer_id = 42;
-- Its estimated size, and proof that no such relation exists.
SELECT index_name, pg_size_pretty(hypopg_relation_size(indexrelid)) AS estimated_size
FROM hypopg_list_indexes;
SELECT count(*) AS real_indexes FROM pg_indexes WHERE tablename = 'orders';
-- EXPLAIN ANALYZE runs the query, so it can only use real indexes.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, total FROM orders WHERE customer_id = 42;
SELECT hypopg_reset();
