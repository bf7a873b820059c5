-- B-tree indexes on an array column: a B-tree compares whole arrays, so it serves only
-- "the array equals this one" and sorting, never the containment and overlap look-ups (@>, <@,
-- &&) arrays are usually queried with; those need a GIN index. Whether the queries are of the
-- first kind or the second only they can tell: no SQL; the evidence gives the GIN index to
-- consider.
SELECT 'info' AS severity,
       i.indexrelid::regclass::text AS object,
       format('B-tree on %s (%s), an array: serves whole-array equality only; for @>, <@ or && '
              'consider CREATE INDEX CONCURRENTLY ON %s USING gin (%I)', i.indrelid::regclass,
              format_type(a.atttypid, a.atttypmod), i.indrelid::regclass, a.attname) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_index AS i
JOIN pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_am AS am ON am.oid = ic.relam AND am.amname = 'btree'
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
JOIN pg_type AS ty ON ty.oid = a.atttypid
WHERE ty.typcategory = 'A'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = i.indexrelid)
ORDER BY object;
