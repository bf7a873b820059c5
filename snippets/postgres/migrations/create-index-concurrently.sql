-- example: data=none after=postgres/migrations/setup.sql
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
