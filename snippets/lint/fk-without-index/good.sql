-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The index first, built concurrently; then the foreign key.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE payments VALIDATE CONSTRAINT payments_account_id_fkey;
