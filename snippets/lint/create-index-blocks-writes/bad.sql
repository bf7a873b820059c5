-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A plain build: reads go on, writes wait until the index is built.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE INDEX payments_account_id_idx ON payments (account_id);
