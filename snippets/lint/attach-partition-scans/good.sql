-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A validated CHECK matching the bound lets ATTACH skip the scan.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE events_3 ADD CONSTRAINT events_3_bound
    CHECK (id IS NOT NULL AND id >= 20001 AND id < 30001) NOT VALID;
ALTER TABLE events_3 VALIDATE CONSTRAINT events_3_bound;
ALTER TABLE events ATTACH PARTITION events_3 FOR VALUES FROM (20001) TO (30001);
ALTER TABLE events_3 DROP CONSTRAINT events_3_bound;
