-- example: data=sample
CREATE INDEX events_user_id_idx ON events (user_id);
SELECT pg_size_pretty(pg_relation_size('events_user_id_idx')) AS before_delete;
-- Retention: drop everything before July 2026, then let VACUUM clean up.
DELETE FROM events WHERE created_at < '2026-07-01';
VACUUM events;
-- VACUUM removed the dead entries, but the index keeps its pages.
SELECT pg_size_pretty(pg_relation_size('events_user_id_idx')) AS after_vacuum;
-- Build a fresh copy without blocking writes, then swap it in.
REINDEX INDEX CONCURRENTLY events_user_id_idx;
SELECT pg_size_pretty(pg_relation_size('events_user_id_idx')) AS after_reindex;
