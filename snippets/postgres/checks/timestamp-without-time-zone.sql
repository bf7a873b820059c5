-- Columns of type timestamp without time zone: the value does not say which time zone it was
-- in, so the same instant written by two clients in two zones is two values, and arithmetic across
-- a daylight-saving change is off by an hour. timestamptz stores the instant. Converting changes
-- what the values mean (the session's TimeZone decides how they are read), and rewrites the
-- table: a judgement, no SQL (PostgreSQL wiki, "Don't Do This").
SELECT 'info' AS severity,
       format('%s.%I', t.oid::regclass, a.attname) AS object,
       format('%s: stores no time zone; timestamptz stores the instant',
              format_type(a.atttypid, a.atttypmod)) AS evidence,
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
  AND a.atttypid = 'timestamp'::regtype
ORDER BY object;
