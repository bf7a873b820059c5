-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Every running instance that still uses payments fails, and the data is gone.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP TABLE payments;
