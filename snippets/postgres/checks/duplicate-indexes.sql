-- Indexes identical to another on the same table: same columns, operator classes, collations,
-- orderings, expressions and predicate. Of each pair, the one to drop is the one that enforces
-- less: never an index behind a constraint, a primary key or a partitioned index; a plain index
-- before a unique one; a unique one before a NULLS NOT DISTINCT one; else the newer.
WITH same_shape AS (  -- a cheap first pass: same table, columns, classes, collations, orderings
    SELECT i.indexrelid
    FROM pg_index AS i
    JOIN (SELECT indrelid, indkey::text AS k, indclass::text AS cl, indcollation::text AS co,
                 indoption::text AS o
          FROM pg_index
          WHERE indisvalid
          GROUP BY 1, 2, 3, 4, 5
          HAVING count(*) > 1) AS g
      ON g.indrelid = i.indrelid AND g.k = i.indkey::text AND g.cl = i.indclass::text
     AND g.co = i.indcollation::text AND g.o = i.indoption::text
    WHERE i.indisvalid
), ix AS (
    SELECT i.indexrelid, i.indrelid, i.indkey, i.indclass, i.indcollation, i.indoption,
           i.indisunique, i.indnullsnotdistinct, c.relkind,
           coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS exprs,
           coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS pred,
           (i.indisprimary
            OR EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)
            OR EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = i.indexrelid)) AS pinned
    FROM pg_index AS i
    JOIN same_shape USING (indexrelid)
    JOIN pg_class AS c ON c.oid = i.indexrelid
    JOIN pg_class AS t ON t.oid = i.indrelid
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
), keeper AS (  -- for each index, the one of its twins to keep instead, if any
    SELECT DISTINCT ON (a.indexrelid) a.indexrelid, b.indexrelid AS keeper, b.pinned, b.indisunique
    FROM ix AS a
    JOIN ix AS b
      ON b.indrelid = a.indrelid
     AND b.indexrelid <> a.indexrelid
     AND b.indkey = a.indkey
     AND b.indclass = a.indclass
     AND b.indcollation = a.indcollation
     AND b.indoption = a.indoption
     AND b.exprs = a.exprs
     AND b.pred = a.pred
     AND (b.pinned, b.indisunique, b.indnullsnotdistinct, -b.indexrelid::int8)
       > (a.pinned, a.indisunique, a.indnullsnotdistinct, -a.indexrelid::int8)
    WHERE NOT a.pinned
    ORDER BY a.indexrelid, b.pinned DESC, b.indisunique DESC, b.indnullsnotdistinct DESC,
             b.indexrelid
)
SELECT 'warning' AS severity,
       a.indexrelid::regclass::text AS object,
       format('same definition as %s on %s, which %s; %s on disk',
              k.keeper::regclass, a.indrelid::regclass,
              CASE WHEN k.pinned THEN 'a constraint or a partitioned index needs'
                   WHEN k.indisunique AND NOT a.indisunique THEN 'also enforces uniqueness'
                   ELSE 'stays' END,
              pg_size_pretty(pg_relation_size(a.indexrelid))) AS evidence,
       format('DROP INDEX%s %s;', CASE WHEN a.relkind = 'I' THEN '' ELSE ' CONCURRENTLY' END,
              a.indexrelid::regclass) AS fix,
       regexp_replace(regexp_replace(pg_get_indexdef(a.indexrelid), ' ON ONLY ', ' ON '),
                      '^CREATE (UNIQUE )?INDEX ',
                      CASE WHEN a.relkind = 'I' THEN 'CREATE \1INDEX '
                           ELSE 'CREATE \1INDEX CONCURRENTLY ' END) || ';' AS revert,
       CASE WHEN a.relkind = 'I'
            THEN format('ACCESS EXCLUSIVE on %s and each of its partitions', a.indrelid::regclass)
            ELSE format('SHARE UPDATE EXCLUSIVE on %s', a.indrelid::regclass) END AS lock
FROM keeper AS k
JOIN ix AS a ON a.indexrelid = k.indexrelid
ORDER BY object;
