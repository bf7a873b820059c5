-- example: data=large
-- The large data set: 2,000 products (the sample's 200 fit in 9 pages, which the planner
-- reads whole rather than use any index).
CREATE INDEX products_tags_idx ON products USING gin (tags);
CREATE INDEX products_attributes_idx ON products USING gin (attributes jsonb_path_ops);
CREATE INDEX products_description_fts_idx ON products
    USING gin (to_tsvector('english', description));
ANALYZE products;
-- Arrays: products carrying every listed tag.
EXPLAIN (COSTS OFF)
SELECT id, name FROM products WHERE tags @> ARRAY['bestseller'];
-- jsonb: containment of a key/value document.
EXPLAIN (COSTS OFF)
SELECT id, name FROM products WHERE attributes @> '{"brand": "Acme", "color": "red"}';
-- Full text, with the expression written exactly as in the index.
EXPLAIN (COSTS OFF)
SELECT id, name FROM products
WHERE to_tsvector('english', description) @@ to_tsquery('english', 'gripping & ending');
-- Without the configuration argument it is a different expression: no index.
EXPLAIN (COSTS OFF)
SELECT id, name FROM products
WHERE to_tsvector(description) @@ to_tsquery('english', 'gripping & ending');
