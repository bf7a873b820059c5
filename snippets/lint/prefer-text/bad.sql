-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- varchar(20): changing the limit later is an ALTER COLUMN TYPE.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE handles (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, handle varchar(20));
