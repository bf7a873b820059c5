-- Indexes no statement has used, by performance_schema's table I/O counters. Never the primary
-- key, a unique index, or an index a foreign key needs (InnoDB's own key lookups are not counted
-- there). A table's counters start again at each restart and at every ALTER of the table (its
-- CREATE_TIME moves then), so their age is the shorter of the two: younger than the minimum age
-- (@playbook_min_stats_age_days, 7 by default), a finding is only info. MariaDB starts with
-- performance_schema OFF: then nothing can be measured, and the check says so.
WITH uptime AS (
    SELECT CAST(VARIABLE_VALUE AS UNSIGNED) AS seconds
    FROM performance_schema.global_status WHERE VARIABLE_NAME = 'Uptime'
),
parts AS (
    SELECT s.TABLE_NAME AS tbl, s.INDEX_NAME AS idx, s.SEQ_IN_INDEX AS pos, s.COLUMN_NAME AS col,
           s.SUB_PART AS sub, s.COLLATION AS dir, s.NON_UNIQUE AS non_unique, s.INDEX_TYPE AS kind,
           t.CREATE_TIME AS created
    FROM information_schema.STATISTICS AS s
    JOIN information_schema.TABLES AS t
      ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME
    WHERE s.TABLE_SCHEMA = DATABASE() AND t.TABLE_SCHEMA = DATABASE()
      AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
),
ix AS (
    SELECT tbl, idx, MIN(non_unique) = 0 AS is_unique, MAX(created) AS created,
           GROUP_CONCAT(CONCAT(HEX(col), IF(sub IS NULL, '', '!')) ORDER BY pos) AS k,
           GROUP_CONCAT(CONCAT('`', REPLACE(col, '`', '``'), '`',
                               IF(sub IS NULL, '', CONCAT('(', sub, ')')),
                               IF(dir = 'D', ' DESC', ''))
                        ORDER BY pos SEPARATOR ', ') AS cols
    FROM parts
    GROUP BY tbl, idx
    HAVING SUM(col IS NULL) = 0 AND SUM(kind <> 'BTREE') = 0
),
-- Each foreign key's columns, on the side of this schema's tables, child and parent.
fk_keys AS (
    SELECT TABLE_NAME AS tbl, GROUP_CONCAT(HEX(COLUMN_NAME) ORDER BY ORDINAL_POSITION) AS k
    FROM information_schema.KEY_COLUMN_USAGE
    WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
    GROUP BY CONSTRAINT_NAME, TABLE_NAME
    UNION ALL
    SELECT REFERENCED_TABLE_NAME,
           GROUP_CONCAT(HEX(REFERENCED_COLUMN_NAME) ORDER BY ORDINAL_POSITION)
    FROM information_schema.KEY_COLUMN_USAGE
    WHERE REFERENCED_TABLE_SCHEMA = DATABASE()
    GROUP BY CONSTRAINT_SCHEMA, CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME
),
unused AS (
    SELECT ix.*
    FROM ix
    WHERE ix.idx <> 'PRIMARY' AND NOT ix.is_unique
      AND NOT EXISTS (SELECT 1 FROM performance_schema.table_io_waits_summary_by_index_usage AS u
                      WHERE u.OBJECT_TYPE = 'TABLE' AND u.OBJECT_SCHEMA = DATABASE()
                        AND u.OBJECT_NAME = ix.tbl AND u.INDEX_NAME = ix.idx
                        AND u.COUNT_STAR > 0)
      -- the only index leading with a foreign key's columns is needed by it
      AND NOT EXISTS (SELECT 1 FROM fk_keys AS f
                      WHERE f.tbl = ix.tbl AND CONCAT(ix.k, ',') LIKE CONCAT(f.k, ',%')
                        AND NOT EXISTS (SELECT 1 FROM ix AS other
                                        WHERE other.tbl = ix.tbl AND other.idx <> ix.idx
                                          AND CONCAT(other.k, ',') LIKE CONCAT(f.k, ',%')))
)
SELECT IF(age >= 86400 * COALESCE(@playbook_min_stats_age_days, 7), 'warning', 'info')
           AS severity,
       CONCAT(tbl, '.', idx) AS object,
       CONCAT('not used in the ', ROUND(age / 86400, 1), ' days its counters cover ',
              '(performance_schema, since the server started or the table was last altered)',
              IF(age >= 86400 * COALESCE(@playbook_min_stats_age_days, 7), '',
                 CONCAT('; younger than ', COALESCE(@playbook_min_stats_age_days, 7),
                        ' days, too young to tell it from an index a monthly job needs')))
           AS evidence,
       CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`', REPLACE(tbl, '`', '``'),
              '` DROP INDEX `', REPLACE(idx, '`', '``'), '`, ALGORITHM=INPLACE, LOCK=NONE;') AS fix,
       CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`', REPLACE(tbl, '`', '``'),
              '` ADD INDEX `', REPLACE(idx, '`', '``'), '` (', cols,
              '), ALGORITHM=INPLACE, LOCK=NONE;') AS revert,
       CONCAT('metadata lock on ', tbl, ': exclusive for a moment at the start and the end; ',
              'reads and writes go on meanwhile (LOCK=NONE)') AS `lock`
FROM (
    SELECT unused.*,
           LEAST(uptime.seconds,
                 COALESCE(TIMESTAMPDIFF(SECOND, created, NOW()), uptime.seconds)) AS age
    FROM unused CROSS JOIN uptime
) AS aged
WHERE @@performance_schema = 1
UNION ALL
SELECT 'info', 'performance_schema',
       'performance_schema is OFF, so index usage cannot be measured: start the server with '
       'performance_schema=ON (a restart) to measure it', NULL, NULL, NULL
WHERE @@performance_schema = 0
ORDER BY object;
