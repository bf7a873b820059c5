-- Invalid indexes. A failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY leaves one behind:
-- the planner never uses it, yet writes may still maintain it. Drop it and build it again. A
-- partitioned index is invalid while some partition has no index attached to it (it was made
-- with CREATE INDEX … ON ONLY): build the missing ones and attach them.
WITH invalid AS (
    SELECT i.indexrelid, i.indrelid, i.indisunique, i.indisready, c.relkind,
           pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index AS i
    JOIN pg_class AS c ON c.oid = i.indexrelid
    WHERE NOT i.indisvalid
), missing AS (  -- partitions of a partitioned table without an index attached to the parent's
    SELECT v.indexrelid, p.inhrelid AS partition, pc.relkind AS partition_kind,
           left(format('%s_%s', pc.relname, ic.relname), 63) AS index_name
    FROM invalid AS v
    JOIN pg_class AS ic ON ic.oid = v.indexrelid
    JOIN pg_inherits AS p ON p.inhparent = v.indrelid
    JOIN pg_class AS pc ON pc.oid = p.inhrelid
    WHERE v.relkind = 'I'
      AND NOT EXISTS (SELECT 1 FROM pg_inherits AS pi
                      JOIN pg_index AS xi ON xi.indexrelid = pi.inhrelid
                      WHERE pi.inhparent = v.indexrelid AND xi.indrelid = p.inhrelid)
)
SELECT 'error' AS severity,
       v.indexrelid::regclass::text AS object,
       CASE WHEN v.relkind = 'I'
            THEN format('invalid partitioned index on %s: %s of its partitions have no index '
                        'attached to it', v.indrelid::regclass,
                        (SELECT count(*) FROM missing AS m WHERE m.indexrelid = v.indexrelid))
            ELSE format('invalid index on %s (%s); %s on disk%s', v.indrelid::regclass,
                        CASE WHEN v.indisready THEN 'still maintained by writes'
                             ELSE 'not even maintained' END,
                        pg_size_pretty(pg_relation_size(v.indexrelid)),
                        CASE WHEN v.indisunique
                             THEN '; a unique build fails again while duplicates remain: '
                                  'remove them first'
                             ELSE '' END)
       END AS evidence,
       CASE WHEN v.relkind = 'I'
            THEN (SELECT string_agg(
                      format('CREATE %sINDEX%s %I ON %s %s;' || E'\n' || 'ALTER INDEX %s ATTACH PARTITION %s;',
                             CASE WHEN v.indisunique THEN 'UNIQUE ' ELSE '' END,
                             CASE WHEN m.partition_kind = 'p' THEN '' ELSE ' CONCURRENTLY' END,
                             m.index_name, m.partition::regclass,
                             substr(v.def, strpos(v.def, ' USING ') + 1),
                             v.indexrelid::regclass,
                             format('%I.%I', (SELECT nspname FROM pg_namespace AS n
                                              JOIN pg_class AS t ON t.relnamespace = n.oid
                                              WHERE t.oid = m.partition), m.index_name)),
                      E'\n' ORDER BY m.index_name)
                  FROM missing AS m WHERE m.indexrelid = v.indexrelid)
            ELSE format('DROP INDEX CONCURRENTLY %s;', v.indexrelid::regclass) || E'\n'
                 || regexp_replace(v.def, '^CREATE (UNIQUE )?INDEX ',
                                   'CREATE \1INDEX CONCURRENTLY ') || ';'
       END AS fix,
       NULL AS revert,  -- the fix builds the same definition: nothing to undo
       CASE WHEN v.relkind = 'I'
            THEN format('SHARE UPDATE EXCLUSIVE on each partition of %s while its index is '
                        'built', v.indrelid::regclass)
            ELSE format('SHARE UPDATE EXCLUSIVE on %s', v.indrelid::regclass) END AS lock
FROM invalid AS v
ORDER BY object;
