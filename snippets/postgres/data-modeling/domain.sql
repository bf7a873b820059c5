-- example: data=sample error=check_violation
-- A domain is a type with its rules attached: declared once, used by every column
-- that holds the same kind of value.
CREATE DOMAIN sku_code AS text
    CHECK (VALUE ~ '^[A-Z]{3}-[0-9]{7}$');
-- Converting a column checks every row already in it.
ALTER TABLE products ALTER COLUMN sku TYPE sku_code;
CREATE TABLE supplier_offers (
    supplier   text          NOT NULL,
    sku        sku_code      NOT NULL,
    unit_cost  numeric(10,2) NOT NULL CHECK (unit_cost > 0),
    PRIMARY KEY (supplier, sku)
);
INSERT INTO supplier_offers VALUES ('Northwind Outdoor', 'SAU-0007919', 92.50);
INSERT INTO supplier_offers VALUES ('Northwind Outdoor', 'sau-7919', 92.50);
