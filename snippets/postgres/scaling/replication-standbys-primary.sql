-- example: data=none
-- On the primary: each standby that should be streaming and is not. The list of names is yours
-- to keep: pg_stat_replication only knows the standbys connected right now.
SELECT expected.name AS standby,
       coalesce(r.state, 'not connected') AS state
FROM unnest(ARRAY['replica1']) AS expected(name)
LEFT JOIN pg_stat_replication r ON r.application_name = expected.name
WHERE r.state IS DISTINCT FROM 'streaming';

-- Each replication slot nobody streams from, or whose WAL goes beyond max_wal_size or is at risk.
SELECT slot_name,
       active,
       wal_status,
       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS retained_bytes
FROM pg_replication_slots
WHERE NOT active OR wal_status IN ('extended', 'unreserved', 'lost');
