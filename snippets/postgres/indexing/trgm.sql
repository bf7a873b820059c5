-- example: data=large
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- A search box over customer names: the text typed may be anywhere in the name, in any case.
EXPLAIN (COSTS OFF) SELECT id, name FROM customers WHERE name ILIKE '%chamber%';
CREATE INDEX customers_name_trgm_idx ON customers USING gin (name gin_trgm_ops);
EXPLAIN (COSTS OFF) SELECT id, name FROM customers WHERE name ILIKE '%chamber%';
-- A misspelt name: % keeps the names whose trigram similarity is at least
-- pg_trgm.similarity_threshold (0.3 by default).
EXPLAIN (COSTS OFF) SELECT id, name FROM customers WHERE name % 'Grace Chamberlain';
SELECT DISTINCT name, round(similarity(name, 'Grace Chamberlain')::numeric, 2) AS similarity
FROM customers
WHERE name % 'Grace Chamberlain'
ORDER BY similarity DESC, name
LIMIT 5;
-- Nearest first: <-> is 1 - similarity, and a GiST index returns rows in its order.
CREATE INDEX customers_name_trgm_gist ON customers USING gist (name gist_trgm_ops);
EXPLAIN (COSTS OFF) SELECT id, name FROM customers ORDER BY name <-> 'Grace Chamberlain' LIMIT 5;
