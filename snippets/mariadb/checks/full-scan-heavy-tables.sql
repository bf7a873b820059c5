-- Tables of 1,000 rows or more that full scans have read ten times over or more, by
-- performance_schema's table I/O counters (rows fetched without an index), which start again at
-- each restart and each ALTER of the table. Which query needs an index, or whether the scans are
-- fine (a nightly report), is a judgement call: no SQL is offered. Counters younger than the
-- minimum age give info only.
WITH uptime AS (
    SELECT CAST(VARIABLE_VALUE AS UNSIGNED) AS seconds
    FROM performance_schema.global_status WHERE VARIABLE_NAME = 'Uptime'
),
scanned AS (
    SELECT t.TABLE_NAME AS tbl, t.TABLE_ROWS AS table_rows, u.COUNT_READ AS rows_read,
           t.CREATE_TIME AS created
    FROM information_schema.TABLES AS t
    JOIN performance_schema.table_io_waits_summary_by_index_usage AS u
      ON u.OBJECT_TYPE = 'TABLE' AND u.OBJECT_SCHEMA = t.TABLE_SCHEMA
     AND u.OBJECT_NAME = t.TABLE_NAME AND u.INDEX_NAME IS NULL
    WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_ROWS >= 1000
      AND u.COUNT_READ >= 10 * t.TABLE_ROWS
)
SELECT IF(age >= 86400 * COALESCE(@playbook_min_stats_age_days, 7), 'warning', 'info')
           AS severity,
       tbl AS object,
       CONCAT(rows_read, ' rows read by full scans of about ', table_rows, ' rows (about ',
              ROUND(rows_read / table_rows), ' scans) in the ', ROUND(age / 86400, 1),
              ' days its counters cover (since the server started or the table was last altered)')
           AS evidence,
       NULL AS fix, NULL AS revert, NULL AS `lock`
FROM (
    SELECT scanned.*,
           LEAST(uptime.seconds,
                 COALESCE(TIMESTAMPDIFF(SECOND, created, NOW()), uptime.seconds)) AS age
    FROM scanned CROSS JOIN uptime
) AS aged
WHERE @@performance_schema = 1
UNION ALL
SELECT 'info', 'performance_schema',
       'performance_schema is OFF, so full scans cannot be counted: start the server with '
       'performance_schema=ON (a restart) to count them', NULL, NULL, NULL
WHERE @@performance_schema = 0
ORDER BY object;
