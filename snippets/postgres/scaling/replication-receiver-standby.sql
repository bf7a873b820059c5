-- example: data=none
-- On the standby: is a WAL receiver running and streaming? No row in pg_stat_wal_receiver
-- means nothing arrives from the primary, whatever the lag columns say.
SELECT pg_is_in_recovery() AS standby,
       coalesce((SELECT status FROM pg_stat_wal_receiver), 'no receiver') AS wal_receiver;
