-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- NOT VALID checks new rows only; VALIDATE reads the old ones under a lock that lets writes through.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE payments VALIDATE CONSTRAINT payments_account_id_fkey;
