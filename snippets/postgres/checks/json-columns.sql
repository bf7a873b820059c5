-- Columns of type json: stored as text, parsed again at every access, no equality operator, no
-- GIN index. jsonb is what to use unless the exact text (key order, duplicate keys, white space)
-- must be kept. Converting rewrites the table and may change what some queries return: a
-- judgement, no SQL.
SELECT 'info' AS severity,
       format('%s.%I', t.oid::regclass, a.attname) AS object,
       'json: parsed at every access, no equality, no GIN index; jsonb unless the exact text '
       'must be kept' AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_attribute AS a
JOIN pg_class AS t ON t.oid = a.attrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE t.relkind IN ('r', 'p')
  AND NOT t.relispartition  -- a partition's columns are its parent's
  AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d  -- tables that belong to an extension
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  AND a.atttypid = 'json'::regtype
ORDER BY object;
