-- Tables without a primary key. InnoDB then clusters the rows on the first UNIQUE index whose
-- columns are all NOT NULL or, without one, on a hidden 6-byte row id drawn from one counter
-- shared by every such table; row-based replicas find each changed row of a table without a
-- usable index by a full scan. Where a UNIQUE index on NOT NULL columns exists, the fix promotes
-- it (the table is rebuilt, reads and writes go on); otherwise choosing the key is a judgement
-- call and no SQL is offered.
WITH candidate AS (
    -- per table, the first UNIQUE index of whole NOT NULL columns
    SELECT s.TABLE_NAME AS tbl, MIN(s.INDEX_NAME) AS idx
    FROM information_schema.STATISTICS AS s
    WHERE s.TABLE_SCHEMA = DATABASE() AND s.NON_UNIQUE = 0
      AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS AS n
                      WHERE n.TABLE_SCHEMA = s.TABLE_SCHEMA AND n.TABLE_NAME = s.TABLE_NAME
                        AND n.INDEX_NAME = s.INDEX_NAME
                        AND (n.NULLABLE = 'YES' OR n.COLUMN_NAME IS NULL
                             OR n.SUB_PART IS NOT NULL))
    GROUP BY s.TABLE_NAME
),
promotable AS (
    SELECT c.tbl, c.idx,
           GROUP_CONCAT(CONCAT('`', REPLACE(s.COLUMN_NAME, '`', '``'), '`')
                        ORDER BY s.SEQ_IN_INDEX SEPARATOR ', ') AS cols
    FROM candidate AS c
    JOIN information_schema.STATISTICS AS s
      ON s.TABLE_SCHEMA = DATABASE() AND s.TABLE_NAME = c.tbl AND s.INDEX_NAME = c.idx
    GROUP BY c.tbl, c.idx
)
SELECT 'warning' AS severity,
       t.TABLE_NAME AS object,
       CONCAT(t.ENGINE, ' table of about ', COALESCE(t.TABLE_ROWS, 0), ' rows without a primary key',
              CASE WHEN p.idx IS NOT NULL
                   THEN CONCAT('; unique index ', p.idx, ' on NOT NULL columns can become it')
                   WHEN t.ENGINE = 'InnoDB' THEN '; InnoDB clusters it on a hidden row id'
                   ELSE '' END) AS evidence,
       IF(p.idx IS NULL, NULL,
          CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`',
                 REPLACE(t.TABLE_NAME, '`', '``'), '` DROP INDEX `', REPLACE(p.idx, '`', '``'),
                 '`, ADD PRIMARY KEY (', p.cols, '), ALGORITHM=INPLACE, LOCK=NONE;')) AS fix,
       IF(p.idx IS NULL, NULL,
          CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`',
                 REPLACE(t.TABLE_NAME, '`', '``'), '` DROP PRIMARY KEY, ADD UNIQUE INDEX `',
                 REPLACE(p.idx, '`', '``'), '` (', p.cols, '), ALGORITHM=COPY, LOCK=SHARED;'))
           AS revert,
       IF(p.idx IS NULL, NULL,
          CONCAT('metadata lock on ', t.TABLE_NAME, ' for a moment at the start and the end; ',
                 'the table is rebuilt while reads and writes go on (LOCK=NONE)')) AS `lock`
FROM information_schema.TABLES AS t
LEFT JOIN promotable AS p ON p.tbl = t.TABLE_NAME
WHERE t.TABLE_SCHEMA = DATABASE()
  AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
  -- STATISTICS, not TABLE_CONSTRAINTS: MariaDB shows an account with SELECT alone no
  -- constraints at all, and every table would look keyless to the check's own account
  AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS AS k
                  WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME
                    AND k.INDEX_NAME = 'PRIMARY')
ORDER BY object;
