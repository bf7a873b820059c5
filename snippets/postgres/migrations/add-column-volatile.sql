-- example: data=none after=postgres/migrations/setup.sql
-- A volatile default: every existing row needs a value of its own.
ALTER TABLE accounts ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
