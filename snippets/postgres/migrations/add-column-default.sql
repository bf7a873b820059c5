-- example: data=none after=postgres/migrations/setup.sql
-- A constant default, and a stable one (now() is evaluated once, for the statement).
ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active';
ALTER TABLE accounts ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
