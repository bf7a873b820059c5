-- example: data=sample
-- Customer addresses become case-insensitive: citext, with an index.
ALTER TABLE customers ALTER COLUMN email TYPE citext;
CREATE INDEX customers_email_idx ON customers (email);
ANALYZE customers;
-- An untyped literal takes the column's type: citext = citext, the index, a match.
EXPLAIN (COSTS OFF) SELECT id FROM customers WHERE email = 'SOPHIE.LISKOV2@example.com';
SELECT id FROM customers WHERE email = 'SOPHIE.LISKOV2@example.com';
-- A value typed text (as many drivers send strings) turns the column into text:
-- text = text, no index, and a case-sensitive comparison that finds nothing.
EXPLAIN (COSTS OFF) SELECT id FROM customers WHERE email = 'SOPHIE.LISKOV2@example.com'::text;
SELECT id FROM customers WHERE email = 'SOPHIE.LISKOV2@example.com'::text;
