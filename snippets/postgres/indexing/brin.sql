-- example: data=sample
-- events is append-only: created_at rises with the physical row order.
SELECT attname, round(correlation::numeric, 1) AS correlation
FROM pg_stats
WHERE tablename = 'events' AND attname IN ('created_at', 'user_id')
ORDER BY attname;
CREATE INDEX events_created_at_brin ON events USING brin (created_at);
CREATE INDEX events_created_at_btree ON events (created_at);  -- for the size comparison
SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) AS size
FROM pg_stat_user_indexes
WHERE indexrelname IN ('events_created_at_brin', 'events_created_at_btree')
ORDER BY indexrelname;
DROP INDEX events_created_at_btree;
ANALYZE events;
-- One week of events.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM events WHERE created_at >= '2026-10-01' AND created_at < '2026-10-08';
