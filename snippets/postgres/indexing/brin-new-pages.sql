-- example: data=sample after=postgres/indexing/brin.sql
-- Autovacuum off for this table, so that nothing summarises the new pages while we look.
ALTER TABLE events SET (autovacuum_enabled = off);
-- A year of new events arrives (last year's, a year later), appended after the last
-- summarised range.
INSERT INTO events (user_id, event_type, payload, created_at)
SELECT user_id, event_type, payload, created_at + interval '1 year'
FROM events WHERE created_at >= '2025-11-01' ORDER BY id;
ANALYZE events;
-- The same week as before: the unsummarised pages are read for every query.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM events WHERE created_at >= '2026-10-01' AND created_at < '2026-10-08';
-- What VACUUM (and so autovacuum) does for the index: summarise the new ranges.
SELECT brin_summarize_new_values('events_created_at_brin');
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM events WHERE created_at >= '2026-10-01' AND created_at < '2026-10-08';
