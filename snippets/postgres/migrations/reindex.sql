-- example: data=none after=postgres/migrations/setup.sql
REINDEX INDEX accounts_pkey;
