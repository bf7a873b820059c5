-- example: data=sample
-- categories has UNIQUE (parent_id, name). Top-level categories have parent_id NULL,
-- and NULLs are distinct from each other, so a second top-level 'Books' gets in.
INSERT INTO categories (parent_id, name) VALUES (NULL, 'Books');
SELECT id, parent_id, name FROM categories WHERE parent_id IS NULL AND name = 'Books';
