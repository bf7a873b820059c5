-- example: data=sample
-- Customer names sorted as English readers expect: an ICU language collation, declared on
-- the column, so the example does not depend on the locale the database was created with.
ALTER TABLE customers ALTER COLUMN name TYPE text COLLATE "en-US-x-icu";
CREATE INDEX customers_name_idx ON customers (name);
ANALYZE customers;
-- The index has the column's collation, and under it a prefix is not a range of the index.
EXPLAIN (COSTS OFF) SELECT id, name FROM customers WHERE name LIKE 'Ada L%';
-- The same column indexed under the C collation (byte order): the prefix becomes a range.
CREATE INDEX customers_name_c_idx ON customers (name COLLATE "C");
EXPLAIN (COSTS OFF) SELECT id, name FROM customers WHERE name LIKE 'Ada L%';
-- text_pattern_ops compares byte by byte whatever the collation: the same range.
DROP INDEX customers_name_c_idx;
CREATE INDEX customers_name_pattern_idx ON customers (name text_pattern_ops);
EXPLAIN (COSTS OFF) SELECT id, name FROM customers WHERE name LIKE 'Ada L%';
-- Sorting by name, in the column's collation, still takes the language-ordered index.
EXPLAIN (COSTS OFF) SELECT id, name FROM customers ORDER BY name LIMIT 5;
