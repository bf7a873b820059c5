-- example: data=none
-- On the standby: how far it has received and replayed the primary's WAL. Each position is read
-- once, in FROM, replayed before received: read again in each column, they move between the
-- reads, and a row can show two equal positions next to a backlog, or a negative backlog.
SELECT pg_is_in_recovery() AS standby,
       received,
       replayed,
       pg_wal_lsn_diff(received, replayed) AS replay_backlog_bytes,
       CASE WHEN received = replayed THEN interval '0'
            ELSE now() - pg_last_xact_replay_timestamp()
       END AS replay_delay
FROM (SELECT pg_last_wal_replay_lsn() AS replayed,
             pg_last_wal_receive_lsn() AS received) AS wal;
