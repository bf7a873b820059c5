-- Indexes with the same key as another index of the table. InnoDB appends the primary key's
-- columns to every secondary index (the clustered key suffix rule), so on an InnoDB table with
-- PRIMARY KEY (id), (a) and (a, id) are one index stored twice. Of each pair, the one to drop
-- is the one that enforces less: never the primary key; a plain index before a unique one; of
-- two unique ones, the one with more declared columns (its rule is the weaker); else the later
-- name. Only B-tree indexes on columns (no expression, no full-text) are compared.
WITH parts AS (
    SELECT s.TABLE_NAME AS tbl, s.INDEX_NAME AS idx, s.SEQ_IN_INDEX AS pos,
           s.COLUMN_NAME AS col, s.SUB_PART AS sub, s.COLLATION AS dir,
           s.NON_UNIQUE AS non_unique, s.INDEX_TYPE AS kind, t.ENGINE AS engine
    FROM information_schema.STATISTICS AS s
    JOIN information_schema.TABLES AS t
      ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME
    WHERE s.TABLE_SCHEMA = DATABASE() AND t.TABLE_SCHEMA = DATABASE()
      AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
),
ix AS (
    SELECT tbl, idx, MAX(engine) AS engine, MIN(non_unique) = 0 AS is_unique,
           idx = 'PRIMARY' AS is_primary, COUNT(*) AS ncols,
           GROUP_CONCAT(CONCAT('`', REPLACE(col, '`', '``'), '`',
                               IF(sub IS NULL, '', CONCAT('(', sub, ')')),
                               IF(dir = 'D', ' DESC', ''))
                        ORDER BY pos SEPARATOR ', ') AS cols
    FROM parts
    GROUP BY tbl, idx
    HAVING SUM(col IS NULL) = 0 AND SUM(kind <> 'BTREE') = 0
),
-- Each index's key as InnoDB stores it: its columns, then the primary key's columns it lacks.
with_pk AS (
    SELECT tbl, idx, pos, col, sub, dir FROM parts
    UNION ALL
    SELECT i.tbl, i.idx, 1000 + p.pos, p.col, p.sub, p.dir
    FROM ix AS i
    JOIN parts AS p ON p.tbl = i.tbl AND p.idx = 'PRIMARY'
    WHERE NOT i.is_primary AND i.engine = 'InnoDB'
      AND NOT EXISTS (SELECT 1 FROM parts AS d
                      WHERE d.tbl = i.tbl AND d.idx = i.idx AND d.col = p.col AND d.sub IS NULL)
),
stored_key AS (
    SELECT tbl, idx,
           GROUP_CONCAT(CONCAT(HEX(col), ':', COALESCE(sub, ''), ':', COALESCE(dir, ''))
                        ORDER BY pos SEPARATOR ',') AS k
    FROM with_pk
    GROUP BY tbl, idx
),
pairs AS (
    SELECT a.tbl, a.idx, a.is_unique, a.cols, b.idx AS keeper, b.is_primary AS keeper_primary,
           b.is_unique AS keeper_unique, a.ncols <> b.ncols AS by_suffix,
           ROW_NUMBER() OVER (PARTITION BY a.tbl, a.idx
                              ORDER BY b.is_primary DESC, b.is_unique DESC, b.ncols, b.idx) AS n
    FROM ix AS a
    JOIN stored_key AS ak ON ak.tbl = a.tbl AND ak.idx = a.idx
    JOIN ix AS b ON b.tbl = a.tbl AND b.idx <> a.idx
    JOIN stored_key AS bk ON bk.tbl = b.tbl AND bk.idx = b.idx AND bk.k = ak.k
    WHERE NOT a.is_primary
      AND ((b.is_primary, b.is_unique, a.ncols) > (a.is_primary, a.is_unique, b.ncols)
           OR ((b.is_primary, b.is_unique, a.ncols) = (a.is_primary, a.is_unique, b.ncols)
               AND b.idx < a.idx))
)
SELECT 'warning' AS severity,
       CONCAT(tbl, '.', idx) AS object,
       CONCAT('same key as ', IF(keeper_primary, 'the primary key', CONCAT('index ', keeper)),
              ' on ', tbl,
              IF(by_suffix, ' once InnoDB appends the primary key to the secondary index', ''),
              IF(keeper_unique AND NOT is_unique, ', which also enforces uniqueness', '')
       ) AS evidence,
       CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`', REPLACE(tbl, '`', '``'),
              '` DROP INDEX `', REPLACE(idx, '`', '``'), '`, ALGORITHM=INPLACE, LOCK=NONE;') AS fix,
       CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`', REPLACE(tbl, '`', '``'),
              '` ADD ', IF(is_unique, 'UNIQUE ', ''), 'INDEX `', REPLACE(idx, '`', '``'), '` (',
              cols, '), ALGORITHM=INPLACE, LOCK=NONE;') AS revert,
       CONCAT('metadata lock on ', tbl, ': exclusive for a moment at the start and the end; ',
              'reads and writes go on meanwhile (LOCK=NONE)') AS `lock`
FROM pairs
WHERE n = 1
ORDER BY object;
