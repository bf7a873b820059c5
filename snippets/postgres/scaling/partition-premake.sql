-- example: data=sample after=postgres/scaling/partition-range.sql
-- The scheduled job that makes next month's partition. CREATE TABLE … PARTITION OF takes ACCESS
-- EXCLUSIVE on events_p, as DETACH does. A table made apart and then attached takes SHARE UPDATE
-- EXCLUSIVE on events_p: it neither waits for its readers and writers nor stops them.
SET lock_timeout = '1s';
CREATE TABLE events_p_2026_11 (LIKE events_p INCLUDING DEFAULTS);
ALTER TABLE events_p ATTACH PARTITION events_p_2026_11
    FOR VALUES FROM ('2026-11-01 00:00+00') TO ('2026-12-01 00:00+00');
INSERT INTO events_p (id, event_type, created_at) VALUES (1, 'login', '2026-11-01 00:00+00');
