-- Tables and databases whose oldest unfrozen transaction ID is older than the age at which
-- autovacuum must freeze them (autovacuum_freeze_max_age, the table's own setting if it has
-- one): the anti-wraparound vacuum is late, failing or blocked. PostgreSQL refuses new
-- transaction IDs about 2^31 transactions on; an error here means past half of that. The age of
-- a table is the older of its own and its TOAST table's. VACUUM (FREEZE) on the table resets it;
-- a database's age falls once every table in it is frozen (vacuumdb --all --freeze).
WITH setting AS (
    SELECT current_setting('autovacuum_freeze_max_age')::int8 AS freeze_max_age
), aged AS (
    SELECT n.nspname, t.relname,
           greatest(age(t.relfrozenxid), age(toast.relfrozenxid))::int8 AS xid_age,
           coalesce((SELECT split_part(o, '=', 2)::int8 FROM unnest(t.reloptions) AS o
                     WHERE split_part(o, '=', 1) = 'autovacuum_freeze_max_age'),
                    setting.freeze_max_age) AS limit_age
    FROM pg_class AS t
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    LEFT JOIN pg_class AS toast ON toast.oid = t.reltoastrelid
    CROSS JOIN setting
    WHERE t.relkind IN ('r', 'm')
      AND t.relpersistence <> 't'  -- another session's temporary table cannot be vacuumed
)
SELECT CASE WHEN xid_age > 1073741824 THEN 'error' ELSE 'warning' END AS severity,
       format('%I.%I', nspname, relname) AS object,
       format('oldest unfrozen transaction ID is %s transactions old; autovacuum should have '
              'frozen it at %s; wraparound stops writes at about 2147483647', xid_age,
              limit_age) AS evidence,
       format('VACUUM (FREEZE) %I.%I;', nspname, relname) AS fix,
       NULL AS revert,  -- freezing changes no row anyone can see
       format('SHARE UPDATE EXCLUSIVE on %I.%I', nspname, relname) AS lock
FROM aged
WHERE xid_age > limit_age
UNION ALL
SELECT CASE WHEN age(d.datfrozenxid) > 1073741824 THEN 'error' ELSE 'warning' END,
       format('database %s', d.datname),
       format('oldest unfrozen transaction ID is %s transactions old; autovacuum should have '
              'frozen it at %s; the tables of this check name the oldest ones (run it in that '
              'database), or run vacuumdb --freeze on it', age(d.datfrozenxid),
              setting.freeze_max_age),
       NULL, NULL, NULL
FROM pg_database AS d
CROSS JOIN setting
WHERE age(d.datfrozenxid) > setting.freeze_max_age
ORDER BY 2;
