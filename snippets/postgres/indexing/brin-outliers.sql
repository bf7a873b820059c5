-- example: data=sample
-- The event log as a client whose clock fell back to 2000-01-01 would have written it:
-- one event in 500, spread over the whole table.
CREATE TABLE events_clock (id bigint, user_id bigint, event_type text, created_at timestamptz);
INSERT INTO events_clock
SELECT id, user_id, event_type,
       CASE WHEN id % 500 = 0 THEN timestamptz '2000-01-01' ELSE created_at END
FROM events ORDER BY id;
CREATE INDEX events_clock_minmax ON events_clock USING brin (created_at);
ANALYZE events_clock;
-- One week of March 2025, in the first of the table's three block ranges.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM events_clock WHERE created_at >= '2025-03-01' AND created_at < '2025-03-08';
-- minmax_multi keeps several intervals per range, so a few outliers stay outliers.
CREATE INDEX events_clock_multi ON events_clock
    USING brin (created_at timestamptz_minmax_multi_ops);
DROP INDEX events_clock_minmax;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM events_clock WHERE created_at >= '2025-03-01' AND created_at < '2025-03-08';
SELECT relpages / 128 + 1 AS block_ranges FROM pg_class WHERE relname = 'events_clock';
