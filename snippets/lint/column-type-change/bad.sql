-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- int → bigint in place: the table and its indexes are rewritten under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE counters ALTER COLUMN id TYPE bigint;
