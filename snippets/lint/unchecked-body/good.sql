-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The same DDL as a plain statement, where the linter can read it (and flag it).
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD COLUMN token uuid;
