-- Constraints added NOT VALID and never validated: rows written before the constraint was added
-- were never checked, so the rule the schema states may not hold, and the planner cannot rely on
-- a CHECK constraint it has not validated (constraint exclusion, partition pruning). VALIDATE
-- CONSTRAINT reads the table without blocking writes; it fails if a row breaks the rule: fix
-- those rows first. A constraint cloned onto a partition is reported once, on its parent.
SELECT 'warning' AS severity,
       format('%s.%I', c.conrelid::regclass, c.conname) AS object,
       format('%s constraint added NOT VALID: %s; about %s rows never checked',
              CASE c.contype WHEN 'f' THEN 'foreign key' ELSE 'check' END,
              pg_get_constraintdef(c.oid), greatest(t.reltuples, 0)::bigint) AS evidence,
       format('ALTER TABLE %s VALIDATE CONSTRAINT %I;', c.conrelid::regclass, c.conname) AS fix,
       NULL AS revert,  -- validating only reads the rows: nothing to undo
       concat_ws('; ',
                 format('SHARE UPDATE EXCLUSIVE on %s while its rows are checked',
                        c.conrelid::regclass),
                 CASE WHEN c.contype = 'f'
                      THEN format('ROW SHARE on %s, the referenced table', c.confrelid::regclass)
                 END) AS lock
FROM pg_constraint AS c
JOIN pg_class AS t ON t.oid = c.conrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE NOT c.convalidated
  AND c.contype IN ('c', 'f')
  AND c.conparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY object;
