-- example: data=none
-- money: the server's lc_monetary gives it its symbol, separators and number of decimals.
SHOW lc_monetary;
CREATE TABLE prices_money (sku text PRIMARY KEY, price money NOT NULL);
-- A price in euros: money has nowhere to say so, and rounds to the locale's two decimals.
INSERT INTO prices_money VALUES ('SKU-1', 12.345);
SELECT sku, price FROM prices_money;
-- numeric with a scale of its own, and the currency in a column beside it.
CREATE TABLE prices (
    sku      text PRIMARY KEY,
    amount   numeric(12,2) NOT NULL,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$')  -- ISO 4217
);
INSERT INTO prices VALUES ('SKU-1', 12.35, 'EUR');
SELECT sku, amount, currency FROM prices;
-- numeric is exact in decimal; float8 is binary and is not.
SELECT 0.10 + 0.20 = 0.30 AS numeric_exact,
       0.1::float8 + 0.2::float8 = 0.3::float8 AS float8_exact,
       0.1::float8 + 0.2::float8 AS float8_sum;
