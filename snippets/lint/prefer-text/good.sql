-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- text with a CHECK: the limit is a constraint, replaced NOT VALID and validated online.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE handles (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handle text CONSTRAINT handles_handle_length CHECK (char_length(handle) <= 20)
);
