-- example: data=sample
-- orders.id is bigint. Compared with a bigint, the primary key serves the look-up.
EXPLAIN (COSTS OFF) SELECT id, status FROM orders WHERE id = 42;
-- 42.0 is numeric. There is no bigint = numeric operator, so PostgreSQL converts the column
-- to numeric, row by row, and an index on id no longer matches the expression.
EXPLAIN (COSTS OFF) SELECT id, status FROM orders WHERE id = 42.0;
-- A parameter declared numeric does the same: a Decimal from Python, a BigDecimal from Java.
PREPARE order_by_id(numeric) AS SELECT id, status FROM orders WHERE id = $1;
EXPLAIN (COSTS OFF) EXECUTE order_by_id(42);
