-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- timestamptz stores an instant; each session shows it in its own time zone.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE logins (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL);
