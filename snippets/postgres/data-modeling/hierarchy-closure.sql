-- example: data=sample
-- Closure table: one row for every (ancestor, descendant) pair, itself included.
CREATE TABLE category_closure (
    ancestor_id   bigint  NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    descendant_id bigint  NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    depth         integer NOT NULL,     -- 0 for the row pairing a category with itself
    PRIMARY KEY (ancestor_id, descendant_id)
);
-- The key serves "descendants of"; "ancestors of" needs the other column first.
CREATE INDEX category_closure_descendant_idx ON category_closure (descendant_id);
WITH RECURSIVE walk (ancestor_id, descendant_id, depth) AS (
    SELECT id, id, 0 FROM categories
    UNION ALL
    SELECT walk.ancestor_id, c.id, walk.depth + 1
    FROM categories AS c JOIN walk ON c.parent_id = walk.descendant_id
)
INSERT INTO category_closure SELECT * FROM walk;

-- A new category is one row per ancestor of its parent, plus itself.
CREATE FUNCTION categories_add_closure() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO category_closure (ancestor_id, descendant_id, depth)
    SELECT ancestor_id, NEW.id, depth + 1
    FROM category_closure WHERE descendant_id = NEW.parent_id
    UNION ALL
    SELECT NEW.id, NEW.id, 0;
    RETURN NULL;
END;
$$;
CREATE TRIGGER categories_add_closure
    AFTER INSERT ON categories
    FOR EACH ROW EXECUTE FUNCTION categories_add_closure();
INSERT INTO categories (parent_id, name) VALUES (35, 'Rain Jackets');

-- The subtree of Clothing > Kids (id 34).
SELECT c.id, c.name, cc.depth
FROM category_closure AS cc JOIN categories AS c ON c.id = cc.descendant_id
WHERE cc.ancestor_id = 34
ORDER BY c.id;
-- The ancestors of Rain Jackets.
SELECT c.id, c.name
FROM category_closure AS cc JOIN categories AS c ON c.id = cc.ancestor_id
WHERE cc.descendant_id = (SELECT id FROM categories WHERE name = 'Rain Jackets')
ORDER BY cc.depth DESC;
-- One row per pair: the table grows with the number of nodes times their depth.
SELECT count(*) AS categories, (SELECT count(*) FROM category_closure) AS closure_rows
FROM categories;
