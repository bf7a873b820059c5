-- Tables and databases whose oldest multixact ID (the IDs that record several transactions
-- locking one row: foreign key checks, SELECT … FOR SHARE, a row locked and then updated under a
-- savepoint) is older than the age at which autovacuum must freeze them
-- (autovacuum_multixact_freeze_max_age, the table's own setting if it has one). Multixact IDs
-- wrap around at 2^32 like transaction IDs, and PostgreSQL stops taking writes before they do;
-- an error here means past 2^30. VACUUM (FREEZE) on the table resets it; a database's age falls
-- once every table in it is frozen.
WITH setting AS (
    SELECT current_setting('autovacuum_multixact_freeze_max_age')::int8 AS freeze_max_age
), aged AS (
    SELECT n.nspname, t.relname,
           greatest(mxid_age(t.relminmxid), mxid_age(toast.relminmxid))::int8 AS mxid_age,
           coalesce((SELECT split_part(o, '=', 2)::int8 FROM unnest(t.reloptions) AS o
                     WHERE split_part(o, '=', 1) = 'autovacuum_multixact_freeze_max_age'),
                    setting.freeze_max_age) AS limit_age
    FROM pg_class AS t
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    LEFT JOIN pg_class AS toast ON toast.oid = t.reltoastrelid
    CROSS JOIN setting
    WHERE t.relkind IN ('r', 'm')
      AND t.relpersistence <> 't'  -- another session's temporary table cannot be vacuumed
)
SELECT CASE WHEN mxid_age > 1073741824 THEN 'error' ELSE 'warning' END AS severity,
       format('%I.%I', nspname, relname) AS object,
       format('oldest multixact ID is %s multixacts old; autovacuum should have frozen it at %s',
              mxid_age, limit_age) AS evidence,
       format('VACUUM (FREEZE) %I.%I;', nspname, relname) AS fix,
       NULL AS revert,  -- freezing changes no row anyone can see
       format('SHARE UPDATE EXCLUSIVE on %I.%I', nspname, relname) AS lock
FROM aged
WHERE mxid_age > limit_age
UNION ALL
SELECT CASE WHEN mxid_age(d.datminmxid) > 1073741824 THEN 'error' ELSE 'warning' END,
       format('database %s', d.datname),
       format('oldest multixact ID is %s multixacts old; autovacuum should have frozen it at %s; '
              'the tables of this check name the oldest ones (run it in that database), or run '
              'vacuumdb --freeze on it', mxid_age(d.datminmxid), setting.freeze_max_age),
       NULL, NULL, NULL
FROM pg_database AS d
CROSS JOIN setting
WHERE mxid_age(d.datminmxid) > setting.freeze_max_age
ORDER BY 2;
