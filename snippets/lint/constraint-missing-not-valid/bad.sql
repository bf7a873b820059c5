-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A foreign key checked at once: both tables stay locked against writes while every row is read.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id);
