-- example: data=sample
-- Foreign keys whose columns are not the leading columns of any valid, non-partial index.
SELECT c.conrelid::regclass AS table_name,
       c.conname AS foreign_key,
       pg_get_constraintdef(c.oid) AS definition
FROM pg_constraint AS c
WHERE c.contype = 'f'
  AND NOT EXISTS (
        SELECT 1
        FROM pg_index AS i
        WHERE i.indrelid = c.conrelid
          AND i.indisvalid
          AND i.indpred IS NULL
          -- indkey is 0-based: its first n entries must be the n key columns, in any order
          AND (i.indkey::smallint[])[0:cardinality(c.conkey) - 1] @> c.conkey)
ORDER BY 1, 2;
