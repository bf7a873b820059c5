-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A new domain constraint is checked at once against every column of that domain.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER DOMAIN money_amount ADD CONSTRAINT money_amount_positive CHECK (VALUE >= 0);
