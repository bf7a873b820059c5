-- AUTO_INCREMENT columns whose next value has used up half (warning) or four fifths (error) of
-- the column type's range; once the range is spent every INSERT fails. The fix widens the column
-- to BIGINT, with the same signedness, NOT NULL and comment: a copy of the table during which
-- writes wait. It is offered only when no foreign key refers to the column (those columns must
-- be widened together: a judgement call) and the column carries no other attribute.
WITH ai AS (
    SELECT c.TABLE_NAME AS tbl, c.COLUMN_NAME AS col, c.DATA_TYPE AS type, c.COLUMN_TYPE AS ctype,
           c.COLUMN_COMMENT AS note, c.EXTRA AS extra, t.AUTO_INCREMENT AS next_value,
           c.COLUMN_TYPE LIKE '%unsigned%' AS is_unsigned,
           CASE c.DATA_TYPE
               WHEN 'tinyint' THEN 127 WHEN 'smallint' THEN 32767 WHEN 'mediumint' THEN 8388607
               WHEN 'int' THEN 2147483647 WHEN 'bigint' THEN 9223372036854775807 END AS signed_max,
           (SELECT COUNT(*) FROM information_schema.KEY_COLUMN_USAGE AS k
            WHERE k.REFERENCED_TABLE_SCHEMA = c.TABLE_SCHEMA AND k.REFERENCED_TABLE_NAME = c.TABLE_NAME
              AND k.REFERENCED_COLUMN_NAME = c.COLUMN_NAME) AS referring_fks
    FROM information_schema.COLUMNS AS c
    JOIN information_schema.TABLES AS t
      ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
    WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_SCHEMA = DATABASE()
      AND c.EXTRA LIKE '%auto_increment%'
      AND t.AUTO_INCREMENT IS NOT NULL
),
measured AS (
    SELECT ai.*,
           IF(is_unsigned, CAST(signed_max AS DECIMAL(20)) * 2 + 1, signed_max) AS maximum
    FROM ai
    WHERE signed_max IS NOT NULL
),
used AS (
    SELECT measured.*, (next_value - 1) / maximum AS fraction FROM measured
)
SELECT IF(fraction >= 0.8, 'error', 'warning') AS severity,
       CONCAT(tbl, '.', col) AS object,
       CONCAT(ctype, ' AUTO_INCREMENT: next value ', next_value, ' of at most ', maximum, ' (',
              ROUND(100 * fraction, 1), '% used)',
              IF(referring_fks > 0,
                 CONCAT('; ', referring_fks, ' foreign key(s) refer to it and must be widened ',
                        'with it'), '')) AS evidence,
       IF(fix_allowed, CONCAT(alter_table, ' MODIFY `', REPLACE(col, '`', '``'), '` bigint',
                              IF(is_unsigned, ' unsigned', ''), ' NOT NULL AUTO_INCREMENT',
                              comment_clause, ', ALGORITHM=COPY, LOCK=SHARED;'), NULL) AS fix,
       IF(fix_allowed, CONCAT(alter_table, ' MODIFY `', REPLACE(col, '`', '``'), '` ', ctype,
                              ' NOT NULL AUTO_INCREMENT', comment_clause,
                              ', ALGORITHM=COPY, LOCK=SHARED;'), NULL) AS revert,
       IF(fix_allowed, CONCAT('SHARED on ', tbl, ' while the table is copied: reads go on, ',
                              'writes wait'), NULL) AS `lock`
FROM (
    SELECT used.*,
           type <> 'bigint' AND referring_fks = 0 AND LOWER(extra) = 'auto_increment' AS fix_allowed,
           CONCAT('ALTER TABLE `', REPLACE(DATABASE(), '`', '``'), '`.`', REPLACE(tbl, '`', '``'),
                  '`') AS alter_table,
           IF(note = '', '', CONCAT(' COMMENT ', QUOTE(note))) AS comment_clause
    FROM used
    WHERE fraction >= 0.5
) AS f
ORDER BY object;
