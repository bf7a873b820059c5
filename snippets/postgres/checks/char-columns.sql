-- Columns of type char(n): values are padded with spaces to n characters, the padding is
-- ignored or not depending on the operator, and nothing is faster or smaller for it. text (with a
-- CHECK on length where a limit is a rule) does better. A judgement, no SQL (PostgreSQL wiki,
-- "Don't Do This").
SELECT 'info' AS severity,
       format('%s.%I', t.oid::regclass, a.attname) AS object,
       format('%s: padded with spaces, compared with and without them; text with a CHECK on '
              'its length does better', format_type(a.atttypid, a.atttypmod)) AS evidence,
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
  AND a.atttypid = 'bpchar'::regtype
ORDER BY object;
