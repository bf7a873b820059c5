-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- An int key runs out at 2,147,483,647.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE visits (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, hits int NOT NULL);
