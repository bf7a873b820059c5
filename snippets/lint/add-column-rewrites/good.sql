-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The column without a default, a default for new rows only, then the old rows in batches.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD COLUMN token uuid;
ALTER TABLE accounts ALTER COLUMN token SET DEFAULT gen_random_uuid();
UPDATE accounts SET token = gen_random_uuid() WHERE id BETWEEN 1 AND 5000 AND token IS NULL;
UPDATE accounts SET token = gen_random_uuid() WHERE id BETWEEN 5001 AND 10000 AND token IS NULL;
