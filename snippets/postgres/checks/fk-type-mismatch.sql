-- Foreign key columns whose type differs from the key they reference (an integer pointing at a
-- bigint, a varchar at a text): every check of the key compares across types, the referencing
-- side overflows first when the referenced key is wider, and joins on the pair need a cast.
-- Changing the referencing column to the referenced type is safe for the values: each one
-- already equals a value of the referenced column. The change rewrites the table and its
-- indexes, and the foreign key is checked again.
SELECT 'warning' AS severity,
       format('%s.%I', c.conrelid::regclass, ra.attname) AS object,
       format('%s, but foreign key %s references %s.%I, which is %s; about %s rows to rewrite',
              format_type(ra.atttypid, ra.atttypmod), c.conname, c.confrelid::regclass,
              ka.attname, format_type(ka.atttypid, ka.atttypmod),
              greatest(t.reltuples, 0)::bigint) AS evidence,
       format('ALTER TABLE %s ALTER COLUMN %I TYPE %s;', c.conrelid::regclass, ra.attname,
              format_type(ka.atttypid, ka.atttypmod)) AS fix,
       format('ALTER TABLE %s ALTER COLUMN %I TYPE %s;', c.conrelid::regclass, ra.attname,
              format_type(ra.atttypid, ra.atttypmod)) AS revert,
       format('ACCESS EXCLUSIVE on %s while it is rewritten%s; ACCESS EXCLUSIVE on %s while '
              'the foreign key is added back and checked', c.conrelid::regclass,
              CASE WHEN t.relkind = 'p' THEN ', and on each of its partitions' ELSE '' END,
              c.confrelid::regclass) AS lock
FROM pg_constraint AS c
CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, refcol)
JOIN pg_attribute AS ra ON ra.attrelid = c.conrelid AND ra.attnum = k.col
JOIN pg_attribute AS ka ON ka.attrelid = c.confrelid AND ka.attnum = k.refcol
JOIN pg_class AS t ON t.oid = c.conrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE c.contype = 'f'
  AND c.conparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND ra.atttypid <> ka.atttypid
ORDER BY object;
