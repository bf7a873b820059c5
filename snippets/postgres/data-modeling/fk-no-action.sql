-- example: data=none error=foreign_key_violation
-- NO ACTION (the default) checks at the end of the statement, or at COMMIT when the
-- constraint is deferred. RESTRICT checks at once, and cannot be deferred.
CREATE TABLE regions (
    code text PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE warehouses (
    id     integer PRIMARY KEY,
    region text    NOT NULL
           REFERENCES regions (code) ON DELETE NO ACTION DEFERRABLE INITIALLY DEFERRED
);
INSERT INTO regions VALUES ('EU', 'Europe');
INSERT INTO warehouses VALUES (1, 'EU');

-- Replace the parent row in one transaction: by COMMIT the reference holds again.
BEGIN;
DELETE FROM regions WHERE code = 'EU';
INSERT INTO regions VALUES ('EU', 'European Union');
COMMIT;
SELECT w.id, r.name FROM warehouses AS w JOIN regions AS r ON r.code = w.region;

-- The same with RESTRICT fails at the DELETE, even though COMMIT would find no orphan.
ALTER TABLE warehouses
    DROP CONSTRAINT warehouses_region_fkey,
    ADD FOREIGN KEY (region) REFERENCES regions (code)
        ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED;
BEGIN;
DELETE FROM regions WHERE code = 'EU';
