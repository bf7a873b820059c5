-- The share of this database's block reads that shared_buffers served, since the statistics
-- were reset: under 90%, over at least 10 000 reads from outside it (80 MB at 8 kB pages), the
-- working set does not fit or a scan keeps evicting it. Reads counted as misses may still come
-- from the operating system's cache, and a bulk load counts its new pages as reads: whether to
-- give the server more memory or the queries fewer pages to read is a judgement, no SQL.
WITH stats AS (
    SELECT blks_hit, blks_read,
           now() - coalesce(stats_reset, pg_postmaster_start_time()) AS age
    FROM pg_stat_database
    WHERE datname = current_database()
)
SELECT 'info' AS severity,
       'shared_buffers' AS object,
       format('%s%% of %s block reads were served by shared_buffers (%s) in %s of statistics; '
              '%s came from outside it', round(100.0 * blks_hit / (blks_hit + blks_read), 1),
              blks_hit + blks_read, current_setting('shared_buffers'),
              date_trunc('second', age), blks_read) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM stats
WHERE blks_read >= 10000
  AND blks_hit < 0.9 * (blks_hit + blks_read);
