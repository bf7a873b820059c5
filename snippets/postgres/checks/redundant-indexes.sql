-- B-tree indexes whose key columns (with their operator classes, collations and orderings) lead
-- a longer valid B-tree index on the same table: the longer one serves the same look-ups and
-- every foreign key the shorter one serves. Kept: unique indexes (they enforce a rule), indexes
-- behind a constraint or attached to a partitioned index. The shorter index is smaller and a
-- little faster to scan: dropping it is worth it when writes or disk matter more.
SELECT 'info' AS severity,
       a.indexrelid::regclass::text AS object,
       format('its columns (%s) lead %s; %s on disk',
              array_to_string(ARRAY(SELECT pg_get_indexdef(a.indexrelid, k, true)
                                    FROM generate_series(1, a.indnkeyatts) AS k ORDER BY k), ', '),
              b.indexrelid::regclass,
              pg_size_pretty(pg_relation_size(a.indexrelid))) AS evidence,
       format('DROP INDEX%s %s;', CASE WHEN ai.relkind = 'I' THEN '' ELSE ' CONCURRENTLY' END,
              a.indexrelid::regclass) AS fix,
       regexp_replace(regexp_replace(pg_get_indexdef(a.indexrelid), ' ON ONLY ', ' ON '),
                      '^CREATE INDEX ',
                      CASE WHEN ai.relkind = 'I' THEN 'CREATE INDEX '
                           ELSE 'CREATE INDEX CONCURRENTLY ' END) || ';' AS revert,
       CASE WHEN ai.relkind = 'I'
            THEN format('ACCESS EXCLUSIVE on %s and each of its partitions', a.indrelid::regclass)
            ELSE format('SHARE UPDATE EXCLUSIVE on %s', a.indrelid::regclass) END AS lock
FROM pg_index AS a
JOIN pg_class AS ai ON ai.oid = a.indexrelid
JOIN pg_am AS aam ON aam.oid = ai.relam AND aam.amname = 'btree'
JOIN pg_class AS t ON t.oid = a.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
CROSS JOIN LATERAL (  -- the shortest longer index it leads
    SELECT b.*
    FROM pg_index AS b
    JOIN pg_class AS bi ON bi.oid = b.indexrelid
    JOIN pg_am AS bam ON bam.oid = bi.relam AND bam.amname = 'btree'
    WHERE b.indrelid = a.indrelid
      AND b.indexrelid <> a.indexrelid
      AND b.indisvalid
      AND b.indexprs IS NULL
      AND b.indpred IS NULL
      AND a.indnkeyatts < b.indnkeyatts
      -- int2vector and oidvector print as space-separated lists: compare them as prefixes
      AND b.indkey::text LIKE a.indkey::text || ' %'
      AND b.indclass::text LIKE a.indclass::text || ' %'
      AND b.indcollation::text LIKE a.indcollation::text || ' %'
      AND b.indoption::text LIKE a.indoption::text || ' %'
    ORDER BY b.indnkeyatts, b.indexrelid
    LIMIT 1
) AS b
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND a.indisvalid
  AND NOT a.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = a.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = a.indexrelid)
  AND a.indexprs IS NULL
  AND a.indpred IS NULL
  AND a.indnatts = a.indnkeyatts  -- no INCLUDE columns
ORDER BY object;
