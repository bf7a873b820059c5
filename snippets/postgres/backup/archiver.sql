-- Is archiving keeping up? Run it on the primary; alert on failures and on age.
SELECT archived_count,
       last_archived_wal,
       now() - last_archived_time AS since_last_archived,
       failed_count,
       last_failed_wal,
       pg_walfile_name(pg_current_wal_lsn()) AS current_wal
FROM pg_stat_archiver;
