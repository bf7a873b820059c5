-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Plain VACUUM makes dead space reusable under a lock that lets reads and writes through.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
VACUUM payments;
