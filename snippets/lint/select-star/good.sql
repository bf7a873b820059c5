-- example: engine=postgres
-- The columns the caller uses: an index with them can answer alone.
SELECT id, total FROM orders WHERE customer_id = 42;
