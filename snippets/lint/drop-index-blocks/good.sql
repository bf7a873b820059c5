-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- DROP INDEX CONCURRENTLY waits for running queries without blocking new ones.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP INDEX CONCURRENTLY payments_amount_idx;
