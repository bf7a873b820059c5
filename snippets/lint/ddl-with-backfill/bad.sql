-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The ALTER's ACCESS EXCLUSIVE is held until COMMIT: through the whole backfill.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
BEGIN;
ALTER TABLE accounts ADD COLUMN score int8;
UPDATE accounts SET score = 0;
COMMIT;
