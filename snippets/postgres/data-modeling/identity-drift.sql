-- example: data=schema error=unique_violation
-- Rows that arrive with their own ids: OVERRIDING SYSTEM VALUE here (in a DO block, as a
-- loader's function would send it); COPY with an id column, or a data-only restore, does the
-- same. The sequence behind the identity does not move.
CREATE TABLE suppliers_imported (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
DO $$
BEGIN
    INSERT INTO suppliers_imported (id, name) OVERRIDING SYSTEM VALUE
    VALUES (1, 'Northwind Outdoor'), (2, 'Contoso Camping');
END
$$;
-- The next INSERT draws 1 from the sequence, a key already taken.
INSERT INTO suppliers_imported (name) VALUES ('Fabrikam Gear');
