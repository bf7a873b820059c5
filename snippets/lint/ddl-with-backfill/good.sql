-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The DDL commits at once; the backfill runs in its own transactions.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD COLUMN score int8;
BEGIN;
UPDATE accounts SET score = 0 WHERE id BETWEEN 1 AND 10000;
COMMIT;
