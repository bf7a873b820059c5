-- Tables whose planner statistics are missing or old: never analysed, or changed by more than a
-- fifth since the last ANALYZE. Row estimates go wrong, and so do plans. Run ANALYZE.
SELECT 'warning' AS severity,
       format('%I.%I', s.schemaname, s.relname) AS object,
       CASE WHEN coalesce(s.last_analyze, s.last_autoanalyze) IS NULL AND c.reltuples < 0
            THEN format('never analysed; %s rows changed since it was created', s.n_mod_since_analyze)
            ELSE format('%s rows changed since the last ANALYZE (%s), against about %s rows',
                        s.n_mod_since_analyze,
                        coalesce(greatest(s.last_analyze, s.last_autoanalyze)::text, 'unknown'),
                        greatest(c.reltuples, 0)::bigint)
       END AS evidence,
       format('ANALYZE %I.%I;', s.schemaname, s.relname) AS fix,
       NULL AS revert,  -- ANALYZE only refreshes statistics
       format('SHARE UPDATE EXCLUSIVE on %I.%I', s.schemaname, s.relname) AS lock
FROM pg_stat_user_tables AS s
JOIN pg_class AS c ON c.oid = s.relid
WHERE s.n_mod_since_analyze >= 1000
  AND (c.reltuples < 0 OR s.n_mod_since_analyze > 0.2 * c.reltuples)
ORDER BY s.n_mod_since_analyze DESC, object;
