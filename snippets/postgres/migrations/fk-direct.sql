-- example: data=none after=postgres/migrations/setup.sql
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id);
