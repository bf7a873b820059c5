-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- SET NOT NULL reads every row under ACCESS EXCLUSIVE to prove there is no NULL.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
