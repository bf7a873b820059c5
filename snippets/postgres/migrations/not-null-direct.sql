-- example: data=none after=postgres/migrations/setup.sql
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
