-- B-tree indexes whose columns lead a longer index of the same table: the longer one serves
-- every lookup the shorter one does (and a foreign key the shorter one served). Never a unique
-- index or the primary key; pairs that are duplicates once InnoDB appends the primary key are
-- left to duplicate-indexes.
WITH parts AS (
    SELECT s.TABLE_NAME AS tbl, s.INDEX_NAME AS idx, s.SEQ_IN_INDEX AS pos,
           s.COLUMN_NAME AS col, s.SUB_PART AS sub, s.COLLATION AS dir,
           s.NON_UNIQUE AS non_unique, s.INDEX_TYPE AS kind
    FROM information_schema.STATISTICS AS s
    JOIN information_schema.TABLES AS t
      ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME
    WHERE s.TABLE_SCHEMA = DATABASE() AND t.TABLE_SCHEMA = DATABASE()
      AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
),
pk AS (
    SELECT tbl, GROUP_CONCAT(HEX(col) ORDER BY pos) AS cols FROM parts
    WHERE idx = 'PRIMARY' GROUP BY tbl
),
ix AS (
    SELECT tbl, idx, MIN(non_unique) = 0 AS is_unique, COUNT(*) AS ncols,
           GROUP_CONCAT(CONCAT(HEX(col), ':', COALESCE(sub, ''), ':', COALESCE(dir, ''))
                        ORDER BY pos SEPARATOR ',') AS k,
           GROUP_CONCAT(HEX(col) ORDER BY pos) AS plain,
           GROUP_CONCAT(CONCAT('`', REPLACE(col, '`', '``'), '`',
                               IF(sub IS NULL, '', CONCAT('(', sub, ')')),
                               IF(dir = 'D', ' DESC', ''))
                        ORDER BY pos SEPARATOR ', ') AS cols
    FROM parts
    GROUP BY tbl, idx
    HAVING SUM(col IS NULL) = 0 AND SUM(kind <> 'BTREE') = 0
),
pairs AS (
    SELECT a.tbl, a.idx, a.cols, b.idx AS longer, b.cols AS longer_cols,
           ROW_NUMBER() OVER (PARTITION BY a.tbl, a.idx ORDER BY b.ncols, b.idx) AS n
    FROM ix AS a
    JOIN ix AS b ON b.tbl = a.tbl AND b.ncols > a.ncols AND b.k LIKE CONCAT(a.k, ',%')
    LEFT JOIN pk ON pk.tbl = a.tbl
    WHERE a.idx <> 'PRIMARY' AND NOT a.is_unique
      -- (a) and (a, id) with PRIMARY KEY (id): a duplicate, reported by duplicate-indexes
      AND NOT (pk.cols IS NOT NULL AND b.plain = CONCAT(a.plain, ',', pk.cols))
)
SELECT 'info' AS severity,
       CONCAT(tbl, '.', idx) AS object,
       CONCAT('its columns (', cols, ') lead index ', longer, ' (', longer_cols, ') on ', tbl)
           AS evidence,
       CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`', REPLACE(tbl, '`', '``'),
              '` DROP INDEX `', REPLACE(idx, '`', '``'), '`, ALGORITHM=INPLACE, LOCK=NONE;') AS fix,
       CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`', REPLACE(tbl, '`', '``'),
              '` ADD INDEX `', REPLACE(idx, '`', '``'), '` (', cols,
              '), ALGORITHM=INPLACE, LOCK=NONE;') AS revert,
       CONCAT('metadata lock on ', tbl, ': exclusive for a moment at the start and the end; ',
              'reads and writes go on meanwhile (LOCK=NONE)') AS `lock`
FROM pairs
WHERE n = 1
ORDER BY object;
