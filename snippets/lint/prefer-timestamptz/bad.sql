-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- timestamp stores a wall-clock reading; which instant it was depends on the reader.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE logins (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamp NOT NULL);
