-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The concurrent build on its own, outside any transaction block.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
