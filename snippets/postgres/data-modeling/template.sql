-- example: data=schema
-- The trigger function a common table template calls but never defines.
CREATE FUNCTION update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

-- The standard table: identity key, business columns, constraints, metadata.
CREATE TABLE suppliers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id  bigint REFERENCES suppliers (id) ON DELETE RESTRICT,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status     text        NOT NULL DEFAULT 'active'
               CHECK (status IN ('active', 'inactive', 'archived')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    version    integer     NOT NULL DEFAULT 1,
    CONSTRAINT suppliers_parent_id_name_key UNIQUE NULLS NOT DISTINCT (parent_id, name)
);
CREATE TRIGGER update_timestamp
    BEFORE UPDATE ON suppliers
    FOR EACH ROW
    WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION update_updated_at_column();

INSERT INTO suppliers (name) VALUES ('Northwind Outdoor');
-- Optimistic locking: an update names the version it read, and bumps it.
UPDATE suppliers SET status = 'inactive', version = version + 1
WHERE id = 1 AND version = 1
RETURNING version, updated_at > created_at AS updated_at_moved;
-- A second writer that also read version 1 changes nothing: zero rows come back.
UPDATE suppliers SET name = 'Northwind', version = version + 1
WHERE id = 1 AND version = 1
RETURNING version;
SELECT name, status, version FROM suppliers;
