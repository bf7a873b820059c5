-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- REINDEX CONCURRENTLY builds a copy and swaps it in.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
REINDEX INDEX CONCURRENTLY accounts_pkey;
