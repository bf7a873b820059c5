-- example: data=sample error=unique_violation
-- categories has UNIQUE (parent_id, name). Under a parent, a name is unique; at the top,
-- parent_id is NULL, NULLs are distinct from each other, and a second 'Clothing' gets in.
INSERT INTO categories (parent_id, name) VALUES (NULL, 'Clothing');
SELECT id, parent_id, name FROM categories WHERE name = 'Clothing' ORDER BY id;
-- A second 'Kids' under 'Clothing' (id 25) is refused.
INSERT INTO categories (parent_id, name) VALUES (25, 'Kids');
