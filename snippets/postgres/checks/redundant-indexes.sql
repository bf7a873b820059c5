-- B-tree indexes whose columns are the leading columns of a longer B-tree index on the same
-- table: the longer one serves the same look-ups. Unique indexes are kept (they enforce a rule).
SELECT 'info' AS severity,
       format('%s', a.indexrelid::regclass) AS object,
       format('its columns (%s) lead %s; %s on disk',
              array_to_string(ARRAY(SELECT pg_get_indexdef(a.indexrelid, k, true)
                                    FROM generate_series(1, a.indnkeyatts) AS k ORDER BY k), ', '),
              b.indexrelid::regclass,
              pg_size_pretty(pg_relation_size(a.indexrelid))) AS evidence
FROM pg_index AS a
JOIN pg_class AS ai ON ai.oid = a.indexrelid
JOIN pg_am AS aam ON aam.oid = ai.relam AND aam.amname = 'btree'
JOIN pg_index AS b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
JOIN pg_class AS bi ON bi.oid = b.indexrelid
JOIN pg_am AS bam ON bam.oid = bi.relam AND bam.amname = 'btree'
JOIN pg_class AS t ON t.oid = a.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT a.indisunique
  AND a.indexprs IS NULL AND b.indexprs IS NULL
  AND a.indpred IS NULL AND b.indpred IS NULL
  AND a.indnatts = a.indnkeyatts  -- no INCLUDE columns
  AND a.indnkeyatts < b.indnkeyatts
  -- int2vector and oidvector print as space-separated lists: compare them as prefixes
  AND b.indkey::text LIKE a.indkey::text || ' %'
  AND b.indclass::text LIKE a.indclass::text || ' %'
ORDER BY object;
