-- Foreign keys that no valid index serves (its leading key columns are the key's columns, in any
-- order): every DELETE or key UPDATE on the referenced table then reads this whole table to find
-- the rows that still point at it. A foreign key cloned onto a partition is reported once, on
-- its partitioned table.
WITH fk AS (
    SELECT c.oid, c.conname, c.conrelid, c.confrelid, c.conkey, t.relkind, t.reltuples, t.relname,
           ARRAY(SELECT a.attname
                 FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
                 JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.num
                 ORDER BY k.ord) AS columns
    FROM pg_constraint AS c
    JOIN pg_class AS t ON t.oid = c.conrelid
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    WHERE c.contype = 'f'
      AND c.conparentid = 0
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (
          SELECT 1 FROM pg_index AS i
          WHERE i.indrelid = c.conrelid
            AND i.indisvalid
            AND i.indpred IS NULL
            AND cardinality(c.conkey) <= i.indnkeyatts  -- INCLUDE columns serve no look-up
            AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
            AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
), named AS (
    SELECT fk.*,
           left(format('%s_%s_idx', relname, array_to_string(columns, '_')), 63) AS index_name,
           (SELECT string_agg(quote_ident(col), ', ') FROM unnest(columns) AS col) AS column_list,
           CASE WHEN relkind = 'p' THEN '' ELSE ' CONCURRENTLY' END AS how
    FROM fk
)
SELECT 'warning' AS severity,
       format('%s (%s)', conrelid::regclass, array_to_string(columns, ', ')) AS object,
       format('foreign key %s references %s; no index leads with its columns; about %s rows',
              conname, confrelid::regclass, greatest(reltuples, 0)::bigint) AS evidence,
       format('CREATE INDEX%s %I ON %s (%s);', how, index_name, conrelid::regclass,
              column_list) AS fix,
       format('DROP INDEX%s %I.%I;', how,
              (SELECT nspname FROM pg_namespace AS n JOIN pg_class AS t ON t.relnamespace = n.oid
               WHERE t.oid = conrelid), index_name) AS revert,
       CASE WHEN relkind = 'p'
            THEN format('SHARE on %s and each of its partitions', conrelid::regclass)
            ELSE format('SHARE UPDATE EXCLUSIVE on %s', conrelid::regclass) END AS lock
FROM named
ORDER BY object;
