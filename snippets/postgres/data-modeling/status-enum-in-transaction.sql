-- example: data=none error=unsafe_new_enum_value_usage after=postgres/data-modeling/status-enum.sql
-- ADD VALUE runs inside a transaction block, but the new value cannot be used before COMMIT.
BEGIN;
ALTER TYPE ticket_status ADD VALUE 'rejected';
INSERT INTO tickets VALUES (4, 'rejected');
