-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- DROP INDEX takes ACCESS EXCLUSIVE on the table: it waits for every query, and they for it.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP INDEX payments_amount_idx;
