-- example: data=none after=postgres/migrations/setup.sql
ALTER TABLE accounts ADD COLUMN nickname text;
