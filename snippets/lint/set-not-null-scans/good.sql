-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A validated CHECK proves it first; SET NOT NULL then skips the scan (PostgreSQL 12 and later).
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_not_null;
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_email_not_null;
