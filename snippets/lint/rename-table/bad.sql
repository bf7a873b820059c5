-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Every running instance that still says "payments" fails from the commit on.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE payments RENAME TO charges;
