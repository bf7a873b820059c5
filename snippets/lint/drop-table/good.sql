-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Dropped a release after the application stopped using it, and the reason written down.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- playbook: ignore drop-table payments moved to the billing service in 2026.10; backup kept
DROP TABLE payments;
