-- Foreign keys that repeat another on the same table: same columns, same referenced key, same
-- actions, matching and deferral. Each one checks every insert and update again, and each one
-- takes its own locks on the referenced table. Of each pair the one kept is the validated one,
-- else the older; the revert adds the dropped one back as it was.
WITH fk AS (
    SELECT c.oid, c.conname, c.conrelid, c.confrelid, c.conkey, c.confkey, c.confupdtype,
           c.confdeltype, c.confmatchtype, c.condeferrable, c.condeferred, c.convalidated
    FROM pg_constraint AS c
    JOIN pg_class AS t ON t.oid = c.conrelid
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    WHERE c.contype = 'f'
      AND c.conparentid = 0
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
)
SELECT 'warning' AS severity,
       format('%s.%I', a.conrelid::regclass, a.conname) AS object,
       format('repeats foreign key %s (%s), which stays', keeper.conname,
              pg_get_constraintdef(keeper.oid)) AS evidence,
       format('ALTER TABLE %s DROP CONSTRAINT %I;', a.conrelid::regclass, a.conname) AS fix,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s;', a.conrelid::regclass, a.conname,
              pg_get_constraintdef(a.oid)) AS revert,
       format('ACCESS EXCLUSIVE on %s and on %s for a moment', a.conrelid::regclass,
              a.confrelid::regclass) AS lock
FROM fk AS a
CROSS JOIN LATERAL (
    SELECT b.*
    FROM fk AS b
    WHERE b.conrelid = a.conrelid
      AND b.oid <> a.oid
      AND b.confrelid = a.confrelid
      AND b.conkey = a.conkey
      AND b.confkey = a.confkey
      AND (b.confupdtype, b.confdeltype, b.confmatchtype, b.condeferrable, b.condeferred)
        = (a.confupdtype, a.confdeltype, a.confmatchtype, a.condeferrable, a.condeferred)
      AND (b.convalidated, -b.oid::int8) > (a.convalidated, -a.oid::int8)
    ORDER BY b.convalidated DESC, b.oid
    LIMIT 1
) AS keeper
ORDER BY object;
