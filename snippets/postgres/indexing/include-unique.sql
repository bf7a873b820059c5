-- example: data=sample error=unique_violation
-- Look-ups by SKU also want the price. UNIQUE (sku, price) would carry it, but would change
-- the rule: the same SKU could come back at another price. INCLUDE carries the price in the
-- index without making it part of what must be unique.
ALTER TABLE products
    DROP CONSTRAINT products_sku_key,
    ADD CONSTRAINT products_sku_key UNIQUE (sku) INCLUDE (price);
VACUUM ANALYZE products;
EXPLAIN (COSTS OFF) SELECT price FROM products WHERE sku = 'MON-0332598';
-- The same SKU at another price is still a duplicate.
INSERT INTO products (category_id, sku, name, price)
SELECT category_id, sku, name || ' (copy)', price + 1 FROM products WHERE sku = 'MON-0332598';
