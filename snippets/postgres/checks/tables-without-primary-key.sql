-- Tables without a primary key: rows cannot be addressed reliably, logical replication cannot
-- replicate their UPDATEs and DELETEs, and duplicates go unnoticed. Where a valid unique index
-- on NOT NULL columns exists, it can become the primary key as it is; otherwise choosing the key
-- is a modelling decision, and no SQL is offered.
WITH candidate AS (  -- the first valid, total, plain unique index on NOT NULL columns, if any
    SELECT DISTINCT ON (i.indrelid) i.indrelid, i.indexrelid
    FROM pg_index AS i
    JOIN pg_class AS ic ON ic.oid = i.indexrelid
    WHERE i.indisunique AND i.indisvalid AND i.indimmediate
      AND i.indpred IS NULL AND i.indexprs IS NULL
      AND i.indnatts = i.indnkeyatts
      AND ic.relkind = 'i'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)
      AND NOT EXISTS (SELECT 1 FROM pg_attribute AS a
                      WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
                        AND NOT a.attnotnull)
    ORDER BY i.indrelid, i.indnkeyatts, i.indexrelid
)
SELECT 'warning' AS severity,
       format('%I.%I', n.nspname, t.relname) AS object,
       format('no primary key; about %s rows%s', greatest(t.reltuples, 0)::bigint,
              CASE WHEN k.indexrelid IS NOT NULL
                   THEN format('; the unique index %s on NOT NULL columns can become it',
                               k.indexrelid::regclass)
                   ELSE '; choose the key (see the data modeling chapter)' END) AS evidence,
       CASE WHEN k.indexrelid IS NOT NULL
            THEN format('ALTER TABLE %I.%I ADD CONSTRAINT %I PRIMARY KEY USING INDEX %I;',
                        n.nspname, t.relname, ic.relname, ic.relname) END AS fix,
       CASE WHEN k.indexrelid IS NOT NULL
            THEN format('ALTER TABLE %I.%I DROP CONSTRAINT %I;', n.nspname, t.relname, ic.relname)
                 || E'\n' || regexp_replace(pg_get_indexdef(k.indexrelid), '^CREATE UNIQUE INDEX ',
                                            'CREATE UNIQUE INDEX CONCURRENTLY ') || ';' END AS revert,
       CASE WHEN k.indexrelid IS NOT NULL
            THEN format('ACCESS EXCLUSIVE on %I.%I for a moment (no scan, no rewrite)',
                        n.nspname, t.relname) END AS lock
FROM pg_class AS t
JOIN pg_namespace AS n ON n.oid = t.relnamespace
LEFT JOIN candidate AS k ON k.indrelid = t.oid
LEFT JOIN pg_class AS ic ON ic.oid = k.indexrelid
WHERE t.relkind IN ('r', 'p')
  AND NOT t.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'topology')
  AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conrelid = t.oid AND c.contype = 'p')
  AND NOT EXISTS (  -- tables that belong to an extension, such as PostGIS's spatial_ref_sys
      SELECT 1 FROM pg_depend AS d WHERE d.objid = t.oid AND d.deptype = 'e')
ORDER BY object;
