-- example: data=none
-- On the leader: each standby, its state, whether a commit waits for it, and how far behind it
-- is in bytes of WAL (no rows on a server without standbys).
SELECT application_name,
       state,
       sync_state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS replay_lag_bytes
FROM pg_stat_replication
ORDER BY application_name;
