-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- An identity column refuses explicit ids unless asked (OVERRIDING SYSTEM VALUE).
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
