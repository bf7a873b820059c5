-- Foreign keys without an index that leads with their columns, on either side. InnoDB builds
-- one itself and refuses to drop it (error 1553) — unless foreign_key_checks was off, as in a
-- dump's restore or a careless migration. InnoDB checks a foreign key through those indexes
-- only: without the child's, it refuses every DELETE and key UPDATE of the parent (error 1451,
-- "the required index does not currently exist"), orphans or not; without the parent's, every
-- INSERT into the child (error 1452). A prefix index (col(10)) does not count.
WITH fk AS (
    SELECT k.CONSTRAINT_NAME AS name, k.TABLE_NAME AS child, k.REFERENCED_TABLE_NAME AS parent,
           k.REFERENCED_TABLE_SCHEMA AS parent_schema,
           GROUP_CONCAT(HEX(k.COLUMN_NAME) ORDER BY k.ORDINAL_POSITION) AS child_key,
           GROUP_CONCAT(HEX(k.REFERENCED_COLUMN_NAME) ORDER BY k.ORDINAL_POSITION) AS parent_key,
           GROUP_CONCAT(CONCAT('`', REPLACE(k.COLUMN_NAME, '`', '``'), '`')
                        ORDER BY k.ORDINAL_POSITION SEPARATOR ', ') AS child_cols,
           GROUP_CONCAT(CONCAT('`', REPLACE(k.REFERENCED_COLUMN_NAME, '`', '``'), '`')
                        ORDER BY k.ORDINAL_POSITION SEPARATOR ', ') AS parent_cols
    FROM information_schema.KEY_COLUMN_USAGE AS k
    WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
    GROUP BY k.CONSTRAINT_NAME, k.TABLE_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_TABLE_SCHEMA
),
ix AS (
    SELECT s.TABLE_SCHEMA AS db, s.TABLE_NAME AS tbl, s.INDEX_NAME AS idx,
           GROUP_CONCAT(CONCAT(HEX(s.COLUMN_NAME), IF(s.SUB_PART IS NULL, '', '!'))
                        ORDER BY s.SEQ_IN_INDEX) AS k
    FROM information_schema.STATISTICS AS s
    WHERE s.TABLE_SCHEMA IN (SELECT DATABASE() UNION SELECT parent_schema FROM fk)
      AND s.INDEX_TYPE = 'BTREE'
    GROUP BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME
),
missing AS (
    SELECT 'child' AS side, name, child AS tbl, DATABASE() AS db, child_cols AS cols,
           CONCAT('foreign key ', name, ' references ', parent, '; no index of ', child,
                  ' leads with its columns, so InnoDB refuses every DELETE and key UPDATE on ',
                  parent, ' (error 1451)') AS evidence
    FROM fk
    WHERE NOT EXISTS (SELECT 1 FROM ix WHERE ix.db = DATABASE() AND ix.tbl = fk.child
                        AND CONCAT(ix.k, ',') LIKE CONCAT(fk.child_key, ',%'))
    UNION ALL
    SELECT 'parent', name, parent, parent_schema, parent_cols,
           CONCAT('foreign key ', name, ' of ', child, ' references ', parent, ' (', parent_cols,
                  '), which no index of ', parent, ' leads with, so InnoDB refuses every INSERT ',
                  'into ', child, ' (error 1452)')
    FROM fk
    WHERE NOT EXISTS (SELECT 1 FROM ix WHERE ix.db = fk.parent_schema AND ix.tbl = fk.parent
                        AND CONCAT(ix.k, ',') LIKE CONCAT(fk.parent_key, ',%'))
),
named AS (
    -- The index takes the constraint's name, as InnoDB's own would, unless that name is taken.
    SELECT m.*,
           IF(EXISTS (SELECT 1 FROM ix WHERE ix.db = m.db AND ix.tbl = m.tbl AND ix.idx = m.name)
                  OR m.side = 'parent',
              CONCAT(LEFT(m.name, 56), '_', m.side, '_ix'), m.name) AS new_index,
           CONCAT('ALTER TABLE `', REPLACE(m.db, '`', '``'), '`.`', REPLACE(m.tbl, '`', '``'),
                  '`') AS alter_table
    FROM missing AS m
)
SELECT 'error' AS severity,
       CONCAT(tbl, ' (', REPLACE(cols, '`', ''), ')') AS object,
       evidence,
       CONCAT(alter_table, ' ADD INDEX `', REPLACE(new_index, '`', '``'), '` (', cols,
              '), ALGORITHM=INPLACE, LOCK=NONE;') AS fix,
       -- InnoDB refuses to drop an index a foreign key uses unless the checks are off.
       CONCAT('SET SESSION foreign_key_checks = 0;\n', alter_table, ' DROP INDEX `',
              REPLACE(new_index, '`', '``'), '`, ALGORITHM=INPLACE, LOCK=NONE;\n',
              'SET SESSION foreign_key_checks = 1;') AS revert,
       CONCAT('metadata lock on ', tbl, ': exclusive for a moment at the start and the end; ',
              'reads and writes go on while the index is built (LOCK=NONE)') AS `lock`
FROM named
ORDER BY object, evidence;
