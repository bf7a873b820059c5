-- Tables much larger than their live rows need: an estimate from the catalogs and the planner's
-- statistics (pg_stats average widths and NULL fractions, reltuples, fillfactor), never from the
-- table itself. A row takes its 24-byte header (more with a NULL bitmap), its average width and
-- a 4-byte line pointer; a page holds 8 kB less its 24-byte header, filled to fillfactor. Where
-- more than half the pages (and at least 1 MB) hold no live row, the space is bloat that VACUUM
-- cannot give back. The fix rewrites the table with VACUUM FULL, which blocks reads and writes
-- for as long as it runs: on a busy table, pg_repack does it without that lock. As fresh as the
-- last ANALYZE; tables with a column this role cannot read the statistics of are counted.
WITH tbl AS (
    SELECT t.oid, n.nspname, t.relname, t.relpages, t.reltuples,
           current_setting('block_size')::int AS block_size,
           coalesce((SELECT split_part(o, '=', 2)::int FROM unnest(t.reloptions) AS o
                     WHERE split_part(o, '=', 1) = 'fillfactor'), 100) AS fillfactor,
           (SELECT count(*) FROM pg_attribute AS a
            WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
           EXISTS (SELECT 1 FROM pg_attribute AS a
                   WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                     AND NOT has_column_privilege(t.oid, a.attnum, 'SELECT')) AS hidden
    FROM pg_class AS t
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    WHERE t.relkind IN ('r', 'm')
      AND t.relpages >= 128
      AND t.reltuples >= 0
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend AS d  -- tables that belong to an extension
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid
                        AND d.deptype = 'e')
), width AS (
    SELECT tbl.*,
           count(s.attname) AS measured,
           sum((1 - s.null_frac) * s.avg_width) AS data_width,
           max(s.null_frac) > 0 AS has_nulls
    FROM tbl
    LEFT JOIN pg_stats AS s ON s.schemaname = tbl.nspname AND s.tablename = tbl.relname
                           AND NOT s.inherited
    WHERE NOT tbl.hidden
    GROUP BY tbl.oid, tbl.nspname, tbl.relname, tbl.relpages, tbl.reltuples, tbl.block_size,
             tbl.fillfactor, tbl.columns, tbl.hidden
), estimate AS (
    SELECT w.*,
           ceil(w.reltuples / greatest(1, floor((w.block_size - 24) * w.fillfactor / 100.0
               / (8 * ceil((23 + CASE WHEN w.has_nulls THEN ceil(w.columns / 8.0) ELSE 0 END
                            + w.data_width) / 8.0) + 4)))) AS expected_pages
    FROM width AS w
    WHERE w.measured = w.columns  -- every column has statistics: the estimate can be made
)
SELECT CASE WHEN (relpages - expected_pages) * block_size >= 100 * 1024 * 1024
            THEN 'warning' ELSE 'info' END AS severity,
       format('%I.%I', nspname, relname) AS object,
       format('%s pages (%s) for about %s rows that need about %s: %s%% of the table, about %s, '
              'is bloat (an estimate from the statistics of the last ANALYZE)', relpages,
              pg_size_pretty(relpages::int8 * block_size), reltuples::int8, expected_pages,
              round(100 * (relpages - expected_pages) / relpages),
              pg_size_pretty(((relpages - expected_pages) * block_size)::int8)) AS evidence,
       format('VACUUM (FULL, ANALYZE) %I.%I;', nspname, relname) AS fix,
       NULL AS revert,  -- the rewrite changes no row
       format('ACCESS EXCLUSIVE on %I.%I while it is rewritten: reads and writes wait; on a busy '
              'table use pg_repack instead', nspname, relname) AS lock
FROM estimate
WHERE relpages - expected_pages >= greatest(0.5 * relpages, 1024 * 1024 / block_size)
UNION ALL  -- what this role cannot see, it says
SELECT 'info', 'statistics',
       format('%s tables have columns whose statistics %s cannot read: their bloat is not '
              'estimated', count(*), current_user), NULL, NULL, NULL
FROM tbl
WHERE hidden
HAVING count(*) > 0
ORDER BY 2;
