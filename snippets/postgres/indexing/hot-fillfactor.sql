-- example: data=sample
-- Every request pushes its session's expiry forward; expires_at has no index. sessions was
-- loaded in bulk at the default fillfactor, 100: its pages are full.
SELECT pg_relation_size('sessions') / 8192 AS pages;
UPDATE sessions SET expires_at = expires_at + interval '30 minutes' WHERE id % 10 = 0;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'sessions';
-- Leave 30 % of each page free. The setting applies to pages written from now on;
-- VACUUM FULL rewrites the table, so that the existing rows get the room too.
ALTER TABLE sessions SET (fillfactor = 70);
VACUUM FULL sessions;
SELECT pg_relation_size('sessions') / 8192 AS pages;
UPDATE sessions SET expires_at = expires_at + interval '30 minutes' WHERE id % 10 = 1;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'sessions';
