-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- ATTACH reads every row of events_3 to check the bound, holding ACCESS EXCLUSIVE on it.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE events ATTACH PARTITION events_3 FOR VALUES FROM (20001) TO (30001);
