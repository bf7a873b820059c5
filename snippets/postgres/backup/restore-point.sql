-- A named point in the WAL to recover to, written just before a risky change.
SELECT pg_create_restore_point('before_cleanup');
