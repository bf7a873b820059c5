-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- bigint: 9.2 × 10^18.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE visits (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, hits bigint NOT NULL);
