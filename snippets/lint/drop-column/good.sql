-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Dropped a release after the application stopped using it, and the reason written down.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- playbook: ignore drop-column no release has read or written accounts.email since 2026.11
ALTER TABLE accounts DROP COLUMN email;
