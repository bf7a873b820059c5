-- Foreign keys whose columns do not lead any index of the referencing table: every DELETE or
-- key UPDATE on the referenced table scans this table to check for rows that still point at it.
SELECT 'warning' AS severity,
       format('%s (%s)', c.conrelid::regclass,
              array_to_string(ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
                                    JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.num
                                    ORDER BY k.ord), ', ')) AS object,
       format('foreign key %s references %s; no index leads with its columns; about %s rows',
              c.conname, c.confrelid::regclass, greatest(t.reltuples, 0)::bigint) AS evidence
FROM pg_constraint AS c
JOIN pg_class AS t ON t.oid = c.conrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE c.contype = 'f'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (
      SELECT 1 FROM pg_index AS i
      WHERE i.indrelid = c.conrelid
        AND i.indpred IS NULL
        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey
  )
ORDER BY object;
