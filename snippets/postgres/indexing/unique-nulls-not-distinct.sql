-- example: data=sample error=unique_violation
-- PostgreSQL 15: NULLS NOT DISTINCT treats NULLs as equal for this constraint.
ALTER TABLE categories
    DROP CONSTRAINT categories_parent_id_name_key,
    ADD CONSTRAINT categories_parent_id_name_key UNIQUE NULLS NOT DISTINCT (parent_id, name);
INSERT INTO categories (parent_id, name) VALUES (NULL, 'Books');
