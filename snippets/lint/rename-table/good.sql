-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The old name stays, as a view, until no client uses it; both in one short transaction.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
BEGIN;
ALTER TABLE payments RENAME TO charges;
CREATE VIEW payments AS SELECT * FROM charges;
COMMIT;
