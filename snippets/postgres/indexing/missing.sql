-- example: data=sample
-- Large tables read mostly by sequential scans.
SELECT s.schemaname,
       s.relname AS table_name,
       s.seq_scan,
       s.seq_tup_read / greatest(s.seq_scan, 1) AS rows_per_seq_scan,
       coalesce(s.idx_scan, 0) AS idx_scan,   -- NULL when the table has no index
       c.reltuples::bigint AS estimated_rows,
       pg_size_pretty(pg_relation_size(s.relid)) AS table_size
FROM pg_stat_user_tables AS s
JOIN pg_class AS c ON c.oid = s.relid
WHERE s.seq_scan > 100
  AND c.reltuples > 10000
  AND coalesce(s.idx_scan, 0) < s.seq_scan
ORDER BY s.seq_tup_read DESC;
