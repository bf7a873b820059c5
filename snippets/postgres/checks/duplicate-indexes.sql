-- Indexes identical to another on the same table: same columns, operator classes, expressions
-- and predicate. One of each set is enough; keep the one a constraint uses.
SELECT 'warning' AS severity,
       format('%s', a.indexrelid::regclass) AS object,
       format('same definition as %s on %s; %s on disk',
              b.indexrelid::regclass, a.indrelid::regclass,
              pg_size_pretty(pg_relation_size(a.indexrelid))) AS evidence
FROM pg_index AS a
JOIN pg_index AS b
  ON b.indrelid = a.indrelid
 AND b.indexrelid < a.indexrelid
 AND b.indkey = a.indkey
 AND b.indclass = a.indclass
 AND b.indcollation = a.indcollation
 AND b.indoption = a.indoption
 AND coalesce(pg_get_expr(b.indexprs, b.indrelid), '') = coalesce(pg_get_expr(a.indexprs, a.indrelid), '')
 AND coalesce(pg_get_expr(b.indpred, b.indrelid), '') = coalesce(pg_get_expr(a.indpred, a.indrelid), '')
JOIN pg_class AS t ON t.oid = a.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT a.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = a.indexrelid)
ORDER BY object;
