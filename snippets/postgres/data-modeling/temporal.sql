-- example: data=sample error=exclusion_violation
-- Price history: one row per period in which a product had a price. The exclusion
-- constraint forbids two periods of the same product that overlap. `product_id WITH =`
-- inside a GiST index needs the btree_gist extension.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE product_price_history (
    history_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id bigint        NOT NULL REFERENCES products (id),
    price      numeric(10,2) NOT NULL,
    valid_from timestamptz   NOT NULL,
    valid_to   timestamptz,              -- NULL: still valid
    CHECK (valid_to > valid_from),
    CONSTRAINT product_price_history_no_overlap EXCLUDE USING gist (
        product_id WITH =,
        tstzrange(valid_from, valid_to) WITH &&
    )
);
-- Every price change closes the current period and opens the next one.
CREATE FUNCTION products_record_price() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE product_price_history SET valid_to = now()
    WHERE product_id = NEW.id AND valid_to IS NULL;
    INSERT INTO product_price_history (product_id, price, valid_from)
    VALUES (NEW.id, NEW.price, now());
    RETURN NULL;
END;
$$;
CREATE TRIGGER products_record_price
    AFTER UPDATE OF price ON products
    FOR EACH ROW
    WHEN (OLD.price IS DISTINCT FROM NEW.price)
    EXECUTE FUNCTION products_record_price();

INSERT INTO product_price_history (product_id, price, valid_from)
SELECT id, price, created_at FROM products;
UPDATE products SET price = 169.99 WHERE id = 1;
UPDATE products SET price = 179.99 WHERE id = 1;
SELECT price, valid_to IS NULL AS current
FROM product_price_history WHERE product_id = 1 ORDER BY valid_from;
-- The price on a given day.
SELECT price FROM product_price_history
WHERE product_id = 1 AND tstzrange(valid_from, valid_to) @> timestamptz '2024-06-01 00:00:00+00';
-- A period that overlaps one already recorded is refused.
INSERT INTO product_price_history (product_id, price, valid_from, valid_to)
VALUES (2, 799.99, '2025-01-01 00:00:00+00', '2025-02-01 00:00:00+00');
