-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The foreign key itself is added safely, but payments.account_id has no index.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE payments VALIDATE CONSTRAINT payments_account_id_fkey;
