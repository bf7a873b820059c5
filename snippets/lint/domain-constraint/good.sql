-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- A domain's VALIDATE CONSTRAINT still blocks writes while it scans: put the rule on the table.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE refunds ADD CONSTRAINT refunds_amount_positive CHECK (amount >= 0) NOT VALID;
ALTER TABLE refunds VALIDATE CONSTRAINT refunds_amount_positive;
