-- Indexes whose only key column is a boolean: it splits the table in two, and a scan for the
-- common value reads most of the table through the index, slower than reading the table. Where
-- one value is rare and is what queries look for, a partial index on it (WHERE the column, or
-- WHERE NOT the column) is smaller and serves them; which value that is, only the queries tell:
-- no SQL. Indexes that enforce a rule are left alone.
SELECT 'info' AS severity,
       i.indexrelid::regclass::text AS object,
       format('only key column %I of %s is a boolean; %s on disk; consider a partial index on '
              'the rare value instead', a.attname, i.indrelid::regclass,
              pg_size_pretty(pg_relation_size(i.indexrelid))) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_index AS i
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indnkeyatts = 1
  AND a.atttypid = 'bool'::regtype
  AND i.indpred IS NULL
  AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = i.indexrelid)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY object;
