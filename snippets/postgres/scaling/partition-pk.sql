-- example: data=none
-- The key must include the partition key; uniqueness is then checked per partition.
CREATE TABLE events (
    id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE events_2025 PARTITION OF events
    FOR VALUES FROM ('2025-01-01 00:00+00') TO ('2026-01-01 00:00+00');
CREATE TABLE events_2026 PARTITION OF events
    FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2027-01-01 00:00+00');
-- So the same id is accepted twice, with two different times.
INSERT INTO events (id, created_at) VALUES (1, '2025-06-01 00:00+00'), (1, '2026-06-01 00:00+00');
SELECT tableoid::regclass AS partition, id, created_at FROM events ORDER BY created_at;
