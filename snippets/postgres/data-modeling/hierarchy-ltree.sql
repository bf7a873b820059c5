-- example: data=sample
-- Materialized path: each category stores the ids from the root down to itself.
-- parent_id stays the source of truth; the path is derived from it.
ALTER TABLE categories ADD COLUMN path ltree;
WITH RECURSIVE walk (id, path) AS (
    SELECT id, text2ltree(id::text) FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, walk.path || c.id::text
    FROM categories AS c JOIN walk ON c.parent_id = walk.id
)
UPDATE categories AS c SET path = walk.path FROM walk WHERE walk.id = c.id;
ALTER TABLE categories
    ALTER COLUMN path SET NOT NULL,
    ADD COLUMN depth integer GENERATED ALWAYS AS (nlevel(path)) STORED;
CREATE INDEX categories_path_idx ON categories USING gist (path);

-- A new category gets its path from its parent's.
CREATE FUNCTION categories_set_path() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.path := CASE
        WHEN NEW.parent_id IS NULL THEN text2ltree(NEW.id::text)
        ELSE (SELECT path FROM categories WHERE id = NEW.parent_id) || NEW.id::text
    END;
    RETURN NEW;
END;
$$;
CREATE TRIGGER categories_set_path
    BEFORE INSERT ON categories
    FOR EACH ROW EXECUTE FUNCTION categories_set_path();
INSERT INTO categories (parent_id, name) VALUES (35, 'Rain Jackets');

-- The subtree of Clothing > Kids (id 34): every path that starts with its path.
SELECT id, name, path, depth FROM categories
WHERE path <@ (SELECT path FROM categories WHERE id = 34)
ORDER BY id;
-- The ancestors of Rain Jackets: every path its path starts with.
SELECT id, name FROM categories
WHERE path @> (SELECT path FROM categories WHERE name = 'Rain Jackets')
ORDER BY depth;
