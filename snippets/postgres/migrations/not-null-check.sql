-- example: data=none after=postgres/migrations/setup.sql
-- Step 1: enforced for new rows at once, existing rows not read.
ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null
    CHECK (email IS NOT NULL) NOT VALID;
-- Step 2: the scan, under a lock that lets reads and writes through.
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_not_null;
-- Step 3: the valid CHECK proves there is no NULL, so this does not scan again.
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
-- Step 4: the CHECK is now redundant.
ALTER TABLE accounts DROP CONSTRAINT accounts_email_not_null;
