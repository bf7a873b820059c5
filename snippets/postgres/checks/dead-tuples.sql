-- Tables holding more dead rows than autovacuum's own trigger (autovacuum_vacuum_threshold plus
-- autovacuum_vacuum_scale_factor times the rows, as the server sets them): autovacuum is behind,
-- switched off, or blocked. Dead rows make scans read more pages and indexes grow. VACUUM
-- (ANALYZE) removes them (unless an old transaction still needs them: see long-transactions
-- and inactive-replication-slots) and refreshes the statistics; it does not block reads or
-- writes.
WITH setting AS (
    SELECT current_setting('autovacuum_vacuum_threshold')::float8 AS threshold,
           current_setting('autovacuum_vacuum_scale_factor')::float8 AS scale_factor
)
SELECT 'warning' AS severity,
       format('%I.%I', s.schemaname, s.relname) AS object,
       format('%s dead rows against %s live (autovacuum starts at %s); last vacuum %s, '
              'last autovacuum %s; %s autovacuums', s.n_dead_tup, s.n_live_tup,
              round(setting.threshold + setting.scale_factor * greatest(c.reltuples, 0)),
              coalesce(s.last_vacuum::text, 'never'), coalesce(s.last_autovacuum::text, 'never'),
              s.autovacuum_count) AS evidence,
       format('VACUUM (ANALYZE) %I.%I;', s.schemaname, s.relname) AS fix,
       NULL AS revert,  -- VACUUM only removes what no transaction can see
       format('SHARE UPDATE EXCLUSIVE on %I.%I', s.schemaname, s.relname) AS lock
FROM pg_stat_user_tables AS s
JOIN pg_class AS c ON c.oid = s.relid
CROSS JOIN setting
WHERE c.relkind IN ('r', 'm')
  AND s.n_dead_tup >= 1000
  AND s.n_dead_tup > setting.threshold + setting.scale_factor * greatest(c.reltuples, 0)
ORDER BY s.n_dead_tup DESC, object;
