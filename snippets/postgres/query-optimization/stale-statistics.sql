-- example: data=sample
-- Autovacuum would analyse the table within a minute or so; it is switched off for this
-- table so that the example shows the window in between every time.
ALTER TABLE events SET (autovacuum_enabled = off);
CREATE INDEX events_event_type_idx ON events (event_type);
ANALYZE events;
-- A bulk import brings 29,903 events of a type the statistics have never seen.
INSERT INTO events (user_id, event_type, payload, created_at)
SELECT user_id, 'purchase', payload, created_at
FROM events
WHERE event_type IN ('page_view', 'product_view', 'search');
SELECT pg_stat_force_next_flush();
-- Rows changed since the last ANALYZE: the sign of stale statistics.
SELECT n_live_tup, n_mod_since_analyze, last_analyze IS NOT NULL AS analysed
FROM pg_stat_user_tables WHERE relname = 'events';
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT user_id, count(*) FROM events WHERE event_type = 'purchase' GROUP BY user_id;
ANALYZE events;
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF)
SELECT user_id, count(*) FROM events WHERE event_type = 'purchase' GROUP BY user_id;
