-- Sessions of this database whose transaction has been open longer than
-- playbook.max_transaction_age (1 hour unless set), running or idle in transaction: vacuum can
-- remove no row version newer than the oldest snapshot they hold, so every table bloats for as
-- long as they stay open, and the locks they took block DDL. Ending one (pg_terminate_backend)
-- loses its work and is a call for whoever owns it, so no SQL is offered. A role that is not a
-- superuser and not in pg_monitor (or pg_read_all_stats) sees other roles' sessions without
-- their query.
WITH setting AS (
    SELECT coalesce(nullif(current_setting('playbook.max_transaction_age', true), ''),
                    '1 hour')::interval AS max_age
)
SELECT 'warning' AS severity,
       format('%s (%s)', coalesce(a.usename::text, '?'),
              coalesce(nullif(a.application_name, ''), 'no application_name')) AS object,
       format('pid %s, %s for %s, transaction open for %s (over %s)%s; query: %s', a.pid, a.state,
              date_trunc('second', now() - a.state_change),
              date_trunc('second', now() - a.xact_start),
              setting.max_age,
              CASE WHEN a.backend_xmin IS NOT NULL
                   THEN format('; its snapshot holds back vacuum by %s transactions',
                               age(a.backend_xmin))
                   ELSE '' END,
              left(coalesce(a.query, '<not visible to this role>'), 200)) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_stat_activity AS a
CROSS JOIN setting
WHERE a.datname = current_database()
  AND a.pid <> pg_backend_pid()
  AND a.backend_type = 'client backend'
  AND a.xact_start < now() - setting.max_age
ORDER BY a.xact_start, object;
