-- example: data=sample
-- Many-to-many: which store stocks which product, and how many. The pair is the key;
-- the quantity is an attribute of the relationship, not of either side.
CREATE TABLE store_stock (
    store_id   bigint  NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id bigint  NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity   integer NOT NULL CHECK (quantity >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, product_id)
);
INSERT INTO store_stock (store_id, product_id, quantity)
SELECT s.id, p.id, (s.id * 7 + p.id * 13) % 25
FROM stores AS s CROSS JOIN products AS p
WHERE (s.id + p.id) % 3 = 0;
ANALYZE store_stock;
-- The key serves one direction: the products of a store.
EXPLAIN (COSTS OFF)
SELECT product_id, quantity FROM store_stock WHERE store_id = 17;
-- The other direction, the stores that stock a product, needs an index of its own.
EXPLAIN (COSTS OFF)
SELECT store_id, quantity FROM store_stock WHERE product_id = 7 AND quantity > 0;
CREATE INDEX store_stock_product_id_idx ON store_stock (product_id);
EXPLAIN (COSTS OFF)
SELECT store_id, quantity FROM store_stock WHERE product_id = 7 AND quantity > 0;
