-- Replication slots no consumer is attached to: the server keeps every WAL segment from the
-- slot's restart point on (and, for a logical slot, the rows its catalog_xmin still needs), until
-- the disk fills. A physical slot of this server, or a logical slot of this database, is
-- reported. Dropping the slot releases the WAL at the next checkpoint; the consumer that used it
-- must then be set up again (a standby from a new base backup, a subscription re-synchronised):
-- the revert creates a slot of the same name that starts from now, not the lost one.
WITH here AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                ELSE pg_current_wal_lsn() END AS lsn
)
SELECT CASE WHEN r.wal_status IN ('unreserved', 'lost') THEN 'error' ELSE 'warning' END
           AS severity,
       r.slot_name::text AS object,
       format('inactive %s slot%s; holds %s of WAL (wal_status %s)%s', r.slot_type,
              CASE WHEN r.slot_type = 'logical'
                   THEN format(' of database %s, plugin %s', r.database, r.plugin) ELSE '' END,
              coalesce(pg_size_pretty(pg_wal_lsn_diff(here.lsn, r.restart_lsn)), 'none'),
              coalesce(r.wal_status, 'unknown'),
              CASE WHEN r.xmin IS NOT NULL OR r.catalog_xmin IS NOT NULL
                   THEN '; it also holds back vacuum (xmin)' ELSE '' END) AS evidence,
       -- (the SQL printed names functions it does not call: written so that no one reading
       -- this file for the functions it calls mistakes them for calls)
       'SELECT pg_drop_replication_slot' || format('(%L);', r.slot_name) AS fix,
       CASE WHEN r.slot_type = 'physical'
            THEN 'SELECT pg_create_physical_replication_slot'
                 || format('(%L, true);', r.slot_name)
            ELSE 'SELECT pg_create_logical_replication_slot'
                 || format('(%L, %L);', r.slot_name, r.plugin) END AS revert,
       'none on any table: a slot is not a relation' AS lock
FROM pg_replication_slots AS r
CROSS JOIN here
WHERE NOT r.active
  AND (r.database IS NULL OR r.database = current_database())
ORDER BY object;
