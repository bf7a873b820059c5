-- example: data=none after=postgres/migrations/setup.sql
REINDEX INDEX CONCURRENTLY accounts_pkey;
