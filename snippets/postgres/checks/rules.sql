-- Rules (CREATE RULE) on tables: a rule rewrites the query before it runs, not the rows it
-- touches, so it fires once per statement with surprising results on volatile functions,
-- RETURNING and COPY, which ignores it. A trigger does row by row what most rules were meant to
-- do. Rewriting one is a judgement, no SQL (PostgreSQL wiki, "Don't Do This"). The rule that
-- makes a view a view is not one of these.
SELECT 'info' AS severity,
       format('%s.%I', t.oid::regclass, r.rulename) AS object,
       left(pg_get_ruledef(r.oid, true), 300) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_rewrite AS r
JOIN pg_class AS t ON t.oid = r.ev_class
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE r.rulename <> '_RETURN'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d  -- relations that belong to an extension
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY object;
