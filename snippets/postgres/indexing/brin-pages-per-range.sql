-- example: data=sample after=postgres/indexing/brin.sql
-- A week in March, with one summary per 128 pages (the default) ...
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM events WHERE created_at >= '2026-03-01' AND created_at < '2026-03-08';
-- ... and with one per 16 pages.
CREATE INDEX events_created_at_brin16 ON events USING brin (created_at)
    WITH (pages_per_range = 16);
DROP INDEX events_created_at_brin;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM events WHERE created_at >= '2026-03-01' AND created_at < '2026-03-08';
SELECT pg_size_pretty(pg_relation_size('events_created_at_brin16')) AS size;
