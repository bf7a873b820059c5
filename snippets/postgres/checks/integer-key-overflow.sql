-- Sequences, and the columns they feed, that are using up their type's range: an int4 key
-- stops at 2 147 483 647 and every INSERT fails from then on. Move to bigint long before.
WITH fed AS (
    SELECT s.schemaname, s.sequencename, s.last_value, s.max_value,
           a.attrelid::regclass AS table_name, a.attname,
           format_type(a.atttypid, a.atttypmod) AS column_type,
           CASE a.atttypid WHEN 'int2'::regtype THEN 32767
                           WHEN 'int4'::regtype THEN 2147483647
                           ELSE 9223372036854775807 END AS column_max
    FROM pg_sequences AS s
    JOIN pg_depend AS d
      ON d.classid = 'pg_class'::regclass
     AND d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass
     AND d.refclassid = 'pg_class'::regclass
     AND d.deptype IN ('a', 'i')
    JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE s.last_value IS NOT NULL
)
SELECT CASE WHEN used >= 0.8 THEN 'error' ELSE 'warning' END AS severity,
       format('%s.%s', table_name, attname) AS object,
       format('%s, fed by %I.%I, is at %s of %s (%s%%)', column_type, schemaname, sequencename,
              last_value, limit_value, round(100 * used, 1)) AS evidence
FROM (SELECT *, least(max_value, column_max) AS limit_value,
             last_value::numeric / least(max_value, column_max) AS used
      FROM fed) AS f
WHERE used >= 0.5
ORDER BY used DESC, object;
