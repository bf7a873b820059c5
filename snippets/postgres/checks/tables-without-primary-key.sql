-- Tables without a primary key: rows cannot be addressed reliably, logical replication cannot
-- replicate their UPDATEs and DELETEs, and duplicates go unnoticed.
SELECT 'warning' AS severity,
       format('%I.%I', n.nspname, t.relname) AS object,
       format('no primary key; about %s rows', greatest(t.reltuples, 0)::bigint) AS evidence
FROM pg_class AS t
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE t.relkind IN ('r', 'p')
  AND NOT t.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'topology')
  AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conrelid = t.oid AND c.contype = 'p')
  AND NOT EXISTS (  -- tables that belong to an extension, such as PostGIS's spatial_ref_sys
      SELECT 1 FROM pg_depend AS d WHERE d.objid = t.oid AND d.deptype = 'e')
ORDER BY object;
