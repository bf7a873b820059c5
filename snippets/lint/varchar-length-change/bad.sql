-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Narrowing a varchar: every value must be checked, and the table is rewritten.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE profiles ALTER COLUMN bio TYPE varchar(20);
