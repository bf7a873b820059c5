-- Integer columns fed by a sequence (identity, serial, or a DEFAULT nextval() written by hand)
-- that are using up their range: an integer key stops at 2 147 483 647, a smallint one at 32 767,
-- and every INSERT fails from then on. Warns at half the range, errs at four fifths. The limit
-- is the smaller of the column type's maximum and the sequence's own MAXVALUE.
WITH fed AS (
    -- identity columns and sequences OWNED BY a column depend on that column …
    SELECT d.objid AS seq, a.attrelid, a.attnum
    FROM pg_depend AS d
    JOIN pg_class AS s ON s.oid = d.objid AND s.relkind = 'S'
    JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
      AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
    UNION
    -- … and a column whose DEFAULT calls nextval() depends on the sequence
    SELECT d.refobjid, ad.adrelid, ad.adnum
    FROM pg_attrdef AS ad
    JOIN pg_depend AS d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                       AND d.refclassid = 'pg_class'::regclass
    JOIN pg_class AS s ON s.oid = d.refobjid AND s.relkind = 'S'
), measured AS (
    SELECT f.seq, f.attrelid, a.attname, a.atttypid, sq.seqtypid, sq.seqmax, sq.seqincrement,
           format('%I.%I', sn.nspname, sc.relname) AS seq_name,
           pg_sequence_last_value(f.seq) AS last_value,
           CASE a.atttypid WHEN 'int2'::regtype THEN 32767::numeric
                           WHEN 'int4'::regtype THEN 2147483647::numeric
                           ELSE 9223372036854775807::numeric END AS column_max
    FROM fed AS f
    JOIN pg_attribute AS a ON a.attrelid = f.attrelid AND a.attnum = f.attnum
    JOIN pg_sequence AS sq ON sq.seqrelid = f.seq
    JOIN pg_class AS sc ON sc.oid = f.seq
    JOIN pg_namespace AS sn ON sn.oid = sc.relnamespace
    WHERE sq.seqincrement > 0
      AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
      AND has_sequence_privilege(f.seq, 'SELECT')
), used AS (
    SELECT m.*, least(m.seqmax::numeric, m.column_max) AS limit_value,
           m.last_value::numeric / least(m.seqmax::numeric, m.column_max) AS share,
           -- foreign keys pointing at this column, from integer columns: widened with it
           ARRAY(SELECT format('%s %I', fk.conrelid::regclass, ra.attname)
                 FROM pg_constraint AS fk
                 JOIN pg_attribute AS ra ON ra.attrelid = fk.conrelid AND ra.attnum = fk.conkey[1]
                 JOIN pg_attribute AS ka ON ka.attrelid = fk.confrelid AND ka.attnum = fk.confkey[1]
                 WHERE fk.contype = 'f' AND fk.confrelid = m.attrelid AND ka.attname = m.attname
                   AND cardinality(fk.confkey) = 1
                   AND ra.atttypid IN ('int2'::regtype, 'int4'::regtype)
                 ORDER BY 1) AS referencing
    FROM measured AS m
    WHERE m.last_value IS NOT NULL
)
SELECT CASE WHEN share >= 0.8 THEN 'error' ELSE 'warning' END AS severity,
       format('%s.%I', attrelid::regclass, attname) AS object,
       format('%s, fed by %s, is at %s of %s (%s%%)%s', format_type(atttypid, NULL), seq_name,
              last_value, limit_value, round(100 * share, 1),
              CASE WHEN atttypid <> 'int8'::regtype
                   THEN '; the fix rewrites the table: on a large one, follow the staged plan '
                        'of the migrations chapter instead'
                   ELSE '' END) AS evidence,
       concat_ws(E'\n',
                 CASE WHEN atttypid <> 'int8'::regtype
                      THEN format('ALTER TABLE %s ALTER COLUMN %I TYPE bigint;',
                                  attrelid::regclass, attname) END,
                 (SELECT string_agg(format('ALTER TABLE %s TYPE bigint;',
                                           regexp_replace(r, ' ([^ ]+)$', ' ALTER COLUMN \1')),
                                    E'\n')
                  FROM unnest(referencing) AS r),
                 CASE WHEN seqtypid <> 'int8'::regtype
                      THEN format('ALTER SEQUENCE %s AS bigint;', seq_name) END) AS fix,
       concat_ws(E'\n',  -- only while every value still fits the narrower type
                 CASE WHEN seqtypid <> 'int8'::regtype
                      THEN format('ALTER SEQUENCE %s AS %s;', seq_name,
                                  format_type(seqtypid, NULL)) END,
                 (SELECT string_agg(format('ALTER TABLE %s TYPE %s;',
                                           regexp_replace(r, ' ([^ ]+)$', ' ALTER COLUMN \1'),
                                           format_type(atttypid, NULL)), E'\n')
                  FROM unnest(referencing) AS r),
                 CASE WHEN atttypid <> 'int8'::regtype
                      THEN format('ALTER TABLE %s ALTER COLUMN %I TYPE %s;', attrelid::regclass,
                                  attname, format_type(atttypid, NULL)) END) AS revert,
       CASE WHEN atttypid <> 'int8'::regtype
            THEN concat_ws('; ',
                           format('ACCESS EXCLUSIVE on %s while it is rewritten',
                                  attrelid::regclass),
                           (SELECT string_agg(format('ACCESS EXCLUSIVE on %s, which refers to it',
                                                     split_part(r, ' ', 1)), '; ')
                            FROM unnest(referencing) AS r))
            ELSE format('ACCESS EXCLUSIVE on sequence %s for a moment', seq_name) END AS lock
FROM used
WHERE share >= 0.5
UNION ALL  -- what this role cannot see, it says
SELECT 'info', 'sequences',
       format('%s sequences that feed integer columns cannot be read by %s: grant it SELECT on '
              'them (or pg_read_all_data) to measure them', count(*), current_user),
       NULL, NULL, NULL
FROM fed AS f
WHERE NOT has_sequence_privilege(f.seq, 'SELECT')
HAVING count(*) > 0
ORDER BY 1, 2;
