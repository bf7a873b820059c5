-- example: data=none after=postgres/migrations/setup.sql
-- Expand: the new column, and a trigger that keeps both columns equal whichever one the
-- application (old version or new) writes.
ALTER TABLE accounts ADD COLUMN full_name text;
CREATE FUNCTION accounts_sync_full_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.full_name := coalesce(NEW.full_name, NEW.name);
        NEW.name := coalesce(NEW.name, NEW.full_name);
    ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
        NEW.full_name := NEW.name;
    ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name THEN
        NEW.name := NEW.full_name;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER accounts_sync_full_name BEFORE INSERT OR UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_sync_full_name();
-- Backfill, one batch of many (see the Python backfill below for the whole loop).
UPDATE accounts SET full_name = name WHERE id BETWEEN 1 AND 5000 AND full_name IS NULL;
-- Contract, once every reader and writer uses full_name and the backfill is done.
DROP TRIGGER accounts_sync_full_name ON accounts;
ALTER TABLE accounts DROP COLUMN name;
DROP FUNCTION accounts_sync_full_name();
