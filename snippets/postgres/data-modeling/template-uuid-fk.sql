-- example: data=schema error=datatype_mismatch
-- A common template uses UUID keys and created_by UUID REFERENCES users(id);
-- in this schema users.id is a bigint.
CREATE TABLE suppliers (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    created_by uuid REFERENCES users (id)
);
