-- example: data=none after=postgres/migrations/setup.sql
-- Step 1: new and updated rows are checked from now on; existing rows are not read.
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
-- Step 2, in its own transaction: read the existing rows under a weaker lock.
ALTER TABLE payments VALIDATE CONSTRAINT payments_account_id_fkey;
