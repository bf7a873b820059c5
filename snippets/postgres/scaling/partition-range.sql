-- example: data=sample error=check_violation
-- The sample's events, partitioned by month. The primary key includes the partition key.
CREATE TABLE events_p (
    id         bigint      NOT NULL,
    user_id    bigint,
    event_type text        NOT NULL,
    payload    jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
-- One partition per month that holds data: November 2024 to October 2026.
DO $$
DECLARE
    m timestamptz;
BEGIN
    FOR m IN SELECT generate_series(timestamptz '2024-11-01 00:00+00',
                                    timestamptz '2026-10-01 00:00+00', interval '1 month')
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF events_p FOR VALUES FROM (%L) TO (%L)',
                       'events_p_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'),
                       m, m + interval '1 month');
    END LOOP;
END
$$;
INSERT INTO events_p SELECT * FROM events;
ANALYZE events_p;
SELECT count(*) AS partitions,
       (SELECT count(*) FROM events_p) AS rows
FROM pg_inherits WHERE inhparent = 'events_p'::regclass;
-- A month's events: the planner reads one partition.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM events_p
WHERE created_at >= '2026-01-01 00:00+00' AND created_at < '2026-02-01 00:00+00';
-- A parameter is not known when planning: the generic plan prunes when it runs.
SET plan_cache_mode = force_generic_plan;
PREPARE month_events(timestamptz) AS
SELECT count(*) FROM events_p WHERE created_at >= $1 AND created_at < $1 + interval '1 month';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE month_events('2026-01-01 00:00+00');
-- No default partition: an event outside every range is refused, not hidden away.
INSERT INTO events_p (id, event_type, created_at) VALUES (1, 'login', '2026-11-01 00:00+00');
