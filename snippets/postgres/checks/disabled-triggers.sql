-- Triggers switched off with ALTER TABLE … DISABLE TRIGGER, often left behind by a bulk load:
-- whatever they do (an audit row, a derived column) has not been done since. When the trigger is
-- one of a foreign key's, the key is not enforced: rows written meanwhile may be orphans, and
-- enabling it again does not check them (find them with the key's join, or drop the constraint
-- and add it again). The revert disables the trigger again.
SELECT 'warning' AS severity,
       format('%s.%I', g.tgrelid::regclass, g.tgname) AS object,
       CASE WHEN g.tgisinternal AND g.tgconstraint <> 0
            THEN format('disabled: constraint %s (%s) is not enforced; rows written since may '
                        'break it, and enabling it checks none of them', k.conname,
                        pg_get_constraintdef(k.oid))
            ELSE format('disabled: %s has not run since', pg_get_triggerdef(g.oid)) END
           AS evidence,
       format('ALTER TABLE %s ENABLE TRIGGER %I;', g.tgrelid::regclass, g.tgname) AS fix,
       format('ALTER TABLE %s DISABLE TRIGGER %I;', g.tgrelid::regclass, g.tgname) AS revert,
       format('SHARE ROW EXCLUSIVE on %s for a moment', g.tgrelid::regclass) AS lock
FROM pg_trigger AS g
JOIN pg_class AS t ON t.oid = g.tgrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
LEFT JOIN pg_constraint AS k ON k.oid = g.tgconstraint
WHERE g.tgenabled = 'D'
  AND g.tgparentid = 0  -- a partition's clone is reported on its parent
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY object;
