-- example: data=sample
-- A category page lists names and prices. A plain index whose columns hold everything the query
-- reads (the filter column first, then the columns it returns) serves an index-only scan.
CREATE INDEX products_category_name_price_idx ON products (category_id, name, price);
-- An index-only scan skips the table only for pages the visibility map marks all-visible.
-- VACUUM sets those bits.
VACUUM ANALYZE products;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT name, price FROM products WHERE category_id = 47;
-- A price change leaves new row versions, and their pages are no longer all-visible.
UPDATE products SET price = price * 0.9 WHERE category_id = 47;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT name, price FROM products WHERE category_id = 47;
VACUUM products;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT name, price FROM products WHERE category_id = 47;
