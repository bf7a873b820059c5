-- example: data=schema error=undefined_function
-- A common template's audit trigger, on a database without the function it names.
CREATE TABLE suppliers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER update_timestamp
    BEFORE UPDATE ON suppliers
    FOR EACH ROW
    EXECUTE FUNCTION update_updated_at_column();
