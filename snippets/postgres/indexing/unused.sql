-- example: data=sample
-- Never-scanned indexes that enforce nothing: candidates to drop.
SELECT s.schemaname,
       s.relname      AS table_name,
       s.indexrelname AS index_name,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS index_size,
       s.idx_scan
FROM pg_stat_user_indexes AS s
JOIN pg_index AS i ON i.indexrelid = s.indexrelid
WHERE s.idx_scan = 0
  AND NOT i.indisunique      -- primary keys and unique constraints enforce a rule
  AND NOT EXISTS (           -- so do exclusion constraints
        SELECT 1 FROM pg_constraint AS c WHERE c.conindid = s.indexrelid)
ORDER BY pg_relation_size(s.indexrelid) DESC;
-- Since when the counters have been counting (NULL: never reset).
SELECT stats_reset FROM pg_stat_database WHERE datname = current_database();
