-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Build the unique index concurrently, then make it the constraint: a catalog change.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE UNIQUE INDEX CONCURRENTLY payments_id_account_id_key ON payments (id, account_id);
ALTER TABLE payments ADD CONSTRAINT payments_id_account_id_key
    UNIQUE USING INDEX payments_id_account_id_key;
