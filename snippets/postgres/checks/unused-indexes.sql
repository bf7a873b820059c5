-- Indexes no query has scanned in the lifetime of the statistics, that enforce nothing and that
-- no foreign key needs. Counters this young may not have seen the monthly report yet: under
-- playbook.min_stats_age (7 days unless set) the finding is only info. Check the replicas too:
-- each server counts its own scans.
WITH stats AS (
    SELECT now() - coalesce(stats_reset, pg_postmaster_start_time()) AS age,
           stats_reset IS NULL AS never_reset,
           coalesce(nullif(current_setting('playbook.min_stats_age', true), ''),
                    '7 days')::interval AS min_age
    FROM pg_stat_database
    WHERE datname = current_database()
), fk_support AS (  -- each foreign key, and each valid index whose leading columns serve it
    SELECT fk.oid AS fk, x.indexrelid
    FROM pg_constraint AS fk
    JOIN pg_index AS x ON x.indrelid = fk.conrelid
    WHERE fk.contype = 'f'
      AND x.indisvalid
      AND x.indpred IS NULL
      AND cardinality(fk.conkey) <= x.indnkeyatts
      AND (x.indkey::int2[])[0:cardinality(fk.conkey) - 1] @> fk.conkey
      AND (x.indkey::int2[])[0:cardinality(fk.conkey) - 1] <@ fk.conkey
), candidate AS (
    SELECT s.*, pg_relation_size(s.indexrelid) AS bytes
    FROM pg_stat_user_indexes AS s
    JOIN pg_index AS i ON i.indexrelid = s.indexrelid
    WHERE s.idx_scan = 0
      AND i.indisvalid  -- an invalid index has a check of its own
      AND NOT i.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = s.indexrelid)
      AND NOT EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = s.indexrelid)
), kept_for_fk AS (  -- a foreign key served only by unused indexes keeps the oldest of them
    SELECT min(f.indexrelid::int8) AS indexrelid
    FROM fk_support AS f
    GROUP BY f.fk
    HAVING bool_and(f.indexrelid IN (SELECT indexrelid FROM candidate))
)
SELECT CASE WHEN stats.age < stats.min_age THEN 'info' ELSE 'warning' END AS severity,
       s.indexrelid::regclass::text AS object,
       format('0 scans on %s in %s of statistics%s; %s on disk%s',
              s.relid::regclass, date_trunc('second', stats.age),
              CASE WHEN stats.never_reset
                   THEN ' (never reset: at least the server''s uptime)' ELSE '' END,
              pg_size_pretty(s.bytes),
              CASE WHEN stats.age < stats.min_age
                   THEN format('; too young to judge (under %s)', stats.min_age)
                   ELSE '; look at the replicas too' END) AS evidence,
       format('DROP INDEX CONCURRENTLY %s;', s.indexrelid::regclass) AS fix,
       regexp_replace(pg_get_indexdef(s.indexrelid), '^CREATE INDEX ',
                      'CREATE INDEX CONCURRENTLY ') || ';' AS revert,
       format('SHARE UPDATE EXCLUSIVE on %s', s.relid::regclass) AS lock
FROM candidate AS s
CROSS JOIN stats
WHERE s.indexrelid::int8 NOT IN (SELECT indexrelid FROM kept_for_fk)
ORDER BY s.bytes DESC, object;
