-- example: data=none error=check_violation
-- Range-partitioned events as often sketched: two monthly partitions, nothing else.
CREATE TABLE events (
    id UUID,
    event_type VARCHAR(50),
    payload JSONB,
    created_at TIMESTAMPTZ NOT NULL
) PARTITION BY RANGE (created_at);
CREATE TABLE events_2024_01 PARTITION OF events
    FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE events_2024_02 PARTITION OF events
    FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
-- The first event of March has nowhere to go.
INSERT INTO events (id, event_type, payload, created_at)
VALUES (md5('e1')::uuid, 'login', '{}', '2024-03-01 00:00:00+00');
