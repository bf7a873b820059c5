-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- serial: an id inserted explicitly does not move the sequence on.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE tags (id bigserial PRIMARY KEY, name text NOT NULL);
