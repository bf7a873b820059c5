-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Widening a varchar is a catalog change; the linter cannot see the old type, so say so.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- playbook: ignore varchar-length-change bio is varchar(50): this widens it
ALTER TABLE profiles ALTER COLUMN bio TYPE varchar(100);
