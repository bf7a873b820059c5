-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- No lock_timeout: if a long transaction holds the table, this waits, and every query after it too.
ALTER TABLE accounts ADD COLUMN nickname text;
