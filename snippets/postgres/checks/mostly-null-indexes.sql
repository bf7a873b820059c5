-- Single-column B-tree indexes on a column that is mostly NULL (pg_stats.null_frac at least
-- half, on a table of 1000 rows or more): the index stores every NULL, while queries usually
-- look for values. A partial index WHERE the column IS NOT NULL is a fraction of the size, but
-- it no longer serves "IS NULL" look-ups: a judgement, no SQL. Read from the planner's
-- statistics, so as fresh as the last ANALYZE; columns whose statistics this role cannot read
-- are counted, not hidden.
WITH candidate AS (
    SELECT i.indexrelid, i.indrelid, a.attnum, a.attname, n.nspname, t.relname, t.reltuples
    FROM pg_index AS i
    JOIN pg_class AS ic ON ic.oid = i.indexrelid
    JOIN pg_am AS am ON am.oid = ic.relam AND am.amname = 'btree'
    JOIN pg_class AS t ON t.oid = i.indrelid
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE i.indnkeyatts = 1
      AND i.indpred IS NULL
      AND NOT i.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
      AND NOT EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = i.indexrelid)
      AND t.reltuples >= 1000
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
)
SELECT 'info' AS severity,
       c.indexrelid::regclass::text AS object,
       format('%s%% of %s.%I is NULL (as of the last ANALYZE), and this index stores them all: '
              '%s on disk; a partial index WHERE %I IS NOT NULL would hold only the rest',
              round(100 * s.null_frac), c.indrelid::regclass, c.attname,
              pg_size_pretty(pg_relation_size(c.indexrelid)), c.attname) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM candidate AS c
JOIN pg_stats AS s ON s.schemaname = c.nspname AND s.tablename = c.relname
                  AND s.attname = c.attname AND NOT s.inherited
WHERE s.null_frac >= 0.5
UNION ALL  -- what this role cannot see, it says
SELECT 'info', 'statistics',
       format('the statistics of %s indexed columns cannot be read by %s (pg_stats shows only '
              'columns it may SELECT): grant it SELECT on them to measure them', count(*),
              current_user),
       NULL, NULL, NULL
FROM candidate AS c
WHERE NOT has_column_privilege(c.indrelid, c.attnum, 'SELECT')
HAVING count(*) > 0
ORDER BY 2;
