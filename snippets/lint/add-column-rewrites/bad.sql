-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A volatile default: every existing row needs its own value, so the table is rewritten.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
