-- Tables with autovacuum switched off (autovacuum_enabled = false on the table or on its TOAST
-- table), and a server with autovacuum off: dead rows pile up, statistics go stale, and only the
-- emergency anti-wraparound vacuum still runs, at the worst moment. RESET hands the table back
-- to autovacuum; the revert switches it off again.
SELECT 'warning' AS severity,
       format('%I.%I', n.nspname, t.relname) AS object,
       format('%s; %s dead rows, last vacuumed %s', concat_ws(' and ',
                  CASE WHEN off.main THEN 'autovacuum_enabled = false' END,
                  CASE WHEN off.toast THEN 'toast.autovacuum_enabled = false' END),
              coalesce(s.n_dead_tup, 0),
              coalesce(greatest(s.last_vacuum, s.last_autovacuum)::text, 'never')) AS evidence,
       format('ALTER TABLE %I.%I RESET (%s);', n.nspname, t.relname, concat_ws(', ',
                  CASE WHEN off.main THEN 'autovacuum_enabled' END,
                  CASE WHEN off.toast THEN 'toast.autovacuum_enabled' END)) AS fix,
       format('ALTER TABLE %I.%I SET (%s);', n.nspname, t.relname, concat_ws(', ',
                  CASE WHEN off.main THEN 'autovacuum_enabled = false' END,
                  CASE WHEN off.toast THEN 'toast.autovacuum_enabled = false' END)) AS revert,
       format('SHARE UPDATE EXCLUSIVE on %I.%I for a moment', n.nspname, t.relname) AS lock
FROM pg_class AS t
JOIN pg_namespace AS n ON n.oid = t.relnamespace
LEFT JOIN pg_class AS toast ON toast.oid = t.reltoastrelid
LEFT JOIN pg_stat_all_tables AS s ON s.relid = t.oid
CROSS JOIN LATERAL (
    SELECT EXISTS (SELECT 1 FROM unnest(t.reloptions) AS o
                   WHERE split_part(o, '=', 1) = 'autovacuum_enabled'
                     AND NOT split_part(o, '=', 2)::boolean) AS main,
           EXISTS (SELECT 1 FROM unnest(toast.reloptions) AS o
                   WHERE split_part(o, '=', 1) = 'autovacuum_enabled'
                     AND NOT split_part(o, '=', 2)::boolean) AS toast
) AS off
WHERE t.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND (off.main OR off.toast)
UNION ALL
SELECT 'warning', 'autovacuum',
       format('autovacuum = off for the whole server (set in %s): no table is vacuumed or '
              'analysed unless someone does it, but for the anti-wraparound vacuum', source),
       NULL, NULL, NULL  -- a server setting, for whoever runs the server
FROM pg_settings
WHERE name = 'autovacuum' AND setting = 'off'
ORDER BY 2;
