-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A plain REINDEX blocks writes, and reads that plan with the index.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
REINDEX INDEX accounts_pkey;
