-- example: data=none error=datatype_mismatch
-- An array is a list in a cell too. Its elements cannot be foreign keys.
CREATE TABLE tags (name text PRIMARY KEY);
CREATE TABLE tagged_products (
    id   integer PRIMARY KEY,
    tags text[]  NOT NULL REFERENCES tags (name)
);
