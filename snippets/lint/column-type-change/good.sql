-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- The staged plan, expand half: a bigint copy kept in sync, backfilled in batches, indexed
-- concurrently. The swap (drop the old key, ADD PRIMARY KEY USING INDEX, rename) is a later,
-- short migration once the backfill is complete.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE counters ADD COLUMN id_new bigint;
CREATE FUNCTION counters_sync_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.id_new := NEW.id;
    RETURN NEW;
END $$;
CREATE TRIGGER counters_sync_id BEFORE INSERT OR UPDATE ON counters
    FOR EACH ROW EXECUTE FUNCTION counters_sync_id();
UPDATE counters SET id_new = id WHERE id BETWEEN 1 AND 5000 AND id_new IS NULL;
UPDATE counters SET id_new = id WHERE id BETWEEN 5001 AND 10000 AND id_new IS NULL;
CREATE UNIQUE INDEX CONCURRENTLY counters_id_new_key ON counters (id_new);
