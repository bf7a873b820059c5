-- Columns filled by serial (a sequence owned by the column, through a DEFAULT nextval()) rather
-- than an identity column: the sequence has permissions and a life of its own (GRANT on the
-- table does not cover it, CREATE TABLE LIKE shares it), and a value can be written past it. An
-- identity column (GENERATED … AS IDENTITY, SQL standard) ties the two together. Converting
-- needs the sequence's current value carried over, in one transaction: a judgement, no SQL
-- (PostgreSQL wiki, "Don't Do This").
SELECT 'info' AS severity,
       format('%s.%I', t.oid::regclass, a.attname) AS object,
       format('%s filled by %s through a DEFAULT nextval(): an identity column does this '
              'without a separate object', format_type(a.atttypid, a.atttypmod),
              s.oid::regclass) AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_depend AS d
JOIN pg_class AS s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
JOIN pg_class AS t ON t.oid = a.attrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE d.classid = 'pg_class'::regclass
  AND d.refclassid = 'pg_class'::regclass
  AND d.deptype = 'a'  -- OWNED BY; an identity column's sequence depends with 'i'
  AND d.refobjsubid > 0
  AND NOT a.attisdropped
  AND a.attidentity = ''
  AND EXISTS (SELECT 1 FROM pg_attrdef AS ad  -- the column's DEFAULT uses the sequence
              JOIN pg_depend AS dd ON dd.classid = 'pg_attrdef'::regclass AND dd.objid = ad.oid
              WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                AND dd.refclassid = 'pg_class'::regclass AND dd.refobjid = s.oid)
  AND t.relkind IN ('r', 'p')
  AND NOT t.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS e  -- tables that belong to an extension
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY object;
