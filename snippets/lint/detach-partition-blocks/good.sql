-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- DETACH … CONCURRENTLY (PostgreSQL 14 and later) lets queries on events go on.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE events DETACH PARTITION events_2 CONCURRENTLY;
