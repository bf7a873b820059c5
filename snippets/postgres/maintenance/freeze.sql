-- example: data=none
-- --8<-- [start:databases]
-- How old the oldest unfrozen transaction ID is in each database, against the age at which
-- autovacuum forces an anti-wraparound vacuum.
SELECT datname,
       age(datfrozenxid) AS xid_age,
       round(100.0 * age(datfrozenxid) / current_setting('autovacuum_freeze_max_age')::int, 2)
           AS pct_of_freeze_max_age
FROM pg_database
ORDER BY age(datfrozenxid) DESC;
-- --8<-- [end:databases]

CREATE TABLE audit_log (id bigint PRIMARY KEY, entry text NOT NULL)
    WITH (autovacuum_enabled = false);
INSERT INTO audit_log SELECT g, 'created' FROM generate_series(1, 5000) AS g;

-- 2,000 more transactions, each taking a transaction ID.
DO $$
BEGIN
    FOR i IN 1..2000 LOOP
        PERFORM txid_current();
        COMMIT;
    END LOOP;
END
$$;

-- --8<-- [start:tables]
SELECT relname, relfrozenxid, age(relfrozenxid) AS xid_age
FROM pg_class WHERE relname = 'audit_log';
VACUUM (FREEZE) audit_log;
SELECT relname, relfrozenxid, age(relfrozenxid) AS xid_age
FROM pg_class WHERE relname = 'audit_log';
-- --8<-- [end:tables]
