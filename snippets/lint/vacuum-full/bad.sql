-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- VACUUM FULL writes the table anew under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
VACUUM FULL payments;
