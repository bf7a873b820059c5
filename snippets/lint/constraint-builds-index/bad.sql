-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- ADD UNIQUE builds its index under ACCESS EXCLUSIVE: nothing reads or writes the table meanwhile.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE payments ADD CONSTRAINT payments_id_account_id_key UNIQUE (id, account_id);
