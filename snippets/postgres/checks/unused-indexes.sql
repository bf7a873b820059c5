-- Indexes no query has scanned since the statistics were last reset, that enforce nothing.
SELECT 'warning' AS severity,
       format('%I.%I', s.schemaname, s.indexrelname) AS object,
       format('0 scans on %s since %s; %s on disk; drop it, or check the replicas first',
              s.relname,
              coalesce(d.stats_reset::text, 'the server started'),
              pg_size_pretty(pg_relation_size(s.indexrelid))) AS evidence
FROM pg_stat_user_indexes AS s
JOIN pg_index AS i ON i.indexrelid = s.indexrelid
CROSS JOIN pg_stat_database AS d
WHERE d.datname = current_database()
  AND s.idx_scan = 0
  AND NOT i.indisunique
  AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = s.indexrelid)
ORDER BY pg_relation_size(s.indexrelid) DESC, object;
