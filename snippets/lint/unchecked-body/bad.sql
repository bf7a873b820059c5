-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- SQL built at run time is invisible to the linter: this rewrite goes unreported but for the block.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DO $$
BEGIN
    EXECUTE format('ALTER TABLE %I ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()',
                   'accounts');
END $$;
