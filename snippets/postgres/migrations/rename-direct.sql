-- example: data=none after=postgres/migrations/setup.sql
ALTER TABLE accounts RENAME COLUMN name TO full_name;
