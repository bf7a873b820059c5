-- example: data=none error=not_null_violation
-- SET NULL on a NOT NULL column is accepted when the table is created, and fails only
-- when the first parent row with children is deleted.
CREATE TABLE carriers (
    id   integer PRIMARY KEY,
    name text    NOT NULL
);
CREATE TABLE shipments (
    id         integer PRIMARY KEY,
    carrier_id integer NOT NULL REFERENCES carriers (id) ON DELETE SET NULL
);
INSERT INTO carriers VALUES (1, 'Parcelworks');
INSERT INTO shipments VALUES (100, 1);
DELETE FROM carriers WHERE id = 1;
