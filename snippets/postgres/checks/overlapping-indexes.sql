-- Pairs of B-tree indexes on the same table that lead with the same column but neither of which
-- is a left prefix of the other (those are duplicate-indexes and redundant-indexes): (a, b) next
-- to (a, c), or (a) next to (a DESC, b). Each costs writes and disk; often one index, with the
-- columns the queries filter on in the right order, serves both kinds of query. Which one is a
-- judgement the queries decide (compare the scans of each in pg_stat_user_indexes): no SQL.
-- Reported once per pair, on the newer index.
WITH ix AS (
    SELECT i.indexrelid, i.indrelid, i.indkey, i.indclass, i.indcollation, i.indoption,
           i.indnkeyatts,
           array_to_string(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                                 FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k),
                           ', ') AS columns
    FROM pg_index AS i
    JOIN pg_class AS ic ON ic.oid = i.indexrelid
    JOIN pg_am AS am ON am.oid = ic.relam AND am.amname = 'btree'
    JOIN pg_class AS t ON t.oid = i.indrelid
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    WHERE i.indisvalid
      AND i.indexprs IS NULL
      AND i.indpred IS NULL
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = i.indexrelid)
)
SELECT 'info' AS severity,
       b.indexrelid::regclass::text AS object,
       format('(%s) and %s (%s) on %s both lead with %s: %s and %s on disk; one index may '
              'serve the queries of both', b.columns, a.indexrelid::regclass, a.columns,
              b.indrelid::regclass, pg_get_indexdef(b.indexrelid, 1, true),
              pg_size_pretty(pg_relation_size(b.indexrelid)),
              pg_size_pretty(pg_relation_size(a.indexrelid))) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM ix AS b
JOIN ix AS a ON a.indrelid = b.indrelid
            AND a.indexrelid::int8 < b.indexrelid::int8
            AND a.indkey[0] = b.indkey[0]
-- neither leads the other: compare the space-separated lists as prefixes
WHERE NOT ((a.indkey::text || ' ') LIKE (b.indkey::text || ' %')
           AND (a.indclass::text || ' ') LIKE (b.indclass::text || ' %')
           AND (a.indcollation::text || ' ') LIKE (b.indcollation::text || ' %')
           AND (a.indoption::text || ' ') LIKE (b.indoption::text || ' %'))
  AND NOT ((b.indkey::text || ' ') LIKE (a.indkey::text || ' %')
           AND (b.indclass::text || ' ') LIKE (a.indclass::text || ' %')
           AND (b.indcollation::text || ' ') LIKE (a.indcollation::text || ' %')
           AND (b.indoption::text || ' ') LIKE (a.indoption::text || ' %'))
ORDER BY object, a.indexrelid::regclass::text;
