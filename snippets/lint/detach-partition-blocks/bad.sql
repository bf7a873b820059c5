-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A plain DETACH takes ACCESS EXCLUSIVE on the partitioned table: every query on events waits.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE events DETACH PARTITION events_2;
