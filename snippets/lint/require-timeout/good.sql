-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- With lock_timeout the ALTER gives up instead of queueing; the deploy retries it later.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD COLUMN nickname text;
