-- Large tables read mostly by sequential scans: some query filters on a column no index leads.
-- Which column is a judgement no catalog can make, so no SQL is offered: find the query with
-- pg_stat_statements, then index what it filters on (see the Indexing chapter). Counters younger
-- than playbook.min_stats_age (7 days unless set) make this info only.
WITH stats AS (
    SELECT now() - coalesce(stats_reset, pg_postmaster_start_time()) AS age,
           coalesce(nullif(current_setting('playbook.min_stats_age', true), ''),
                    '7 days')::interval AS min_age
    FROM pg_stat_database
    WHERE datname = current_database()
)
SELECT CASE WHEN stats.age < stats.min_age THEN 'info' ELSE 'warning' END AS severity,
       format('%I.%I', s.schemaname, s.relname) AS object,
       format('%s sequential scans reading %s rows each on average, %s index scans, in %s of '
              'statistics; about %s rows', s.seq_scan, s.seq_tup_read / s.seq_scan,
              coalesce(s.idx_scan, 0), date_trunc('second', stats.age),
              c.reltuples::bigint) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_stat_user_tables AS s
JOIN pg_class AS c ON c.oid = s.relid
CROSS JOIN stats
WHERE s.seq_scan >= 50
  AND c.reltuples >= 10000::real
  AND s.seq_scan > coalesce(s.idx_scan, 0)
  AND s.seq_tup_read / s.seq_scan >= 0.5 * c.reltuples
ORDER BY s.seq_tup_read DESC, object;
