-- example: data=schema after=postgres/data-modeling/identity-drift.sql
-- After a load with explicit ids: move the sequence past the largest id, then insert.
SELECT setval(pg_get_serial_sequence('suppliers_imported', 'id'), max(id))
FROM suppliers_imported;
INSERT INTO suppliers_imported (name) VALUES ('Fabrikam Gear') RETURNING id;
