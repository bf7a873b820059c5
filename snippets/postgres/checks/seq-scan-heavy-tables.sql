-- Large tables read mostly by sequential scans: some query filters on a column no index leads.
-- Find it with pg_stat_statements, then index that column (see the Indexing chapter).
SELECT 'warning' AS severity,
       format('%I.%I', s.schemaname, s.relname) AS object,
       format('%s sequential scans reading %s rows each on average, %s index scans; about %s rows',
              s.seq_scan, s.seq_tup_read / s.seq_scan, coalesce(s.idx_scan, 0),
              c.reltuples::bigint) AS evidence
FROM pg_stat_user_tables AS s
JOIN pg_class AS c ON c.oid = s.relid
WHERE s.seq_scan >= 50
  AND c.reltuples >= 10000
  AND s.seq_scan > coalesce(s.idx_scan, 0)
  AND s.seq_tup_read / s.seq_scan >= 0.5 * c.reltuples
ORDER BY s.seq_tup_read DESC, object;
