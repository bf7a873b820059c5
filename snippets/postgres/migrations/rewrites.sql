-- example: data=none after=postgres/migrations/setup.sql
-- Changes that give every existing row a new value, so PostgreSQL writes a new copy of the
-- table: an identity column, a serial (a volatile default, nextval), a stored generated column.
ALTER TABLE payments ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE payments ADD COLUMN legacy_id serial;
ALTER TABLE payments ADD COLUMN cents bigint GENERATED ALWAYS AS (amount * 100) STORED;
-- A counter that outgrew integer: adding it is a catalog change, widening it a rewrite.
ALTER TABLE payments ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE payments ALTER COLUMN attempts TYPE bigint;
