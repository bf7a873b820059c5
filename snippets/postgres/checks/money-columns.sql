-- Columns of type money: its scale follows the server's lc_monetary setting, so a dump restored
-- under another locale changes the amounts, and it holds no currency. numeric (with a currency
-- column where needed) is exact and portable. A judgement, no SQL (PostgreSQL wiki,
-- "Don't Do This").
SELECT 'info' AS severity,
       format('%s.%I', t.oid::regclass, a.attname) AS object,
       format('money: its fractional digits follow lc_monetary (%s); numeric is exact and '
              'portable', current_setting('lc_monetary')) AS evidence,
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
  AND a.atttypid = 'money'::regtype
ORDER BY object;
