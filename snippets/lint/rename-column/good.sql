-- example: engine=postgres data=none after=postgres/migrations/setup.sql,lint/setup.sql
-- Expand: the new column, kept equal by a trigger, backfilled; the old one stays for old clients.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE accounts ADD COLUMN full_name text;
CREATE FUNCTION accounts_sync_full_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.full_name := coalesce(NEW.full_name, NEW.name);
    NEW.name := coalesce(NEW.name, NEW.full_name);
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_sync_full_name BEFORE INSERT OR UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_sync_full_name();
UPDATE accounts SET full_name = name WHERE id BETWEEN 1 AND 10000 AND full_name IS NULL;
