-- example: data=none after=postgres/selection-guide/transfer-fails.sql
-- The failed transaction accepts nothing more but ROLLBACK, which undoes the first UPDATE too.
ROLLBACK;
SELECT id, balance FROM accounts ORDER BY id;
