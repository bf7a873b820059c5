-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql error=active_sql_transaction
-- Many migration tools wrap each file in a transaction; a concurrent build refuses one.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
BEGIN;
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
