-- example: data=sample
-- --8<-- [start:workload]
-- An archive made with CREATE TABLE AS has no index at all, not even a primary key.
CREATE TABLE events_archive AS SELECT * FROM events WHERE created_at < '2026-01-01';
ANALYZE events_archive;
-- The application looks up orders by customer and archived events by user, 200 times.
DO $$
BEGIN
    FOR i IN 1..200 LOOP
        PERFORM count(*) FROM orders WHERE customer_id = i;
        PERFORM count(*) FROM events_archive WHERE user_id = i;
    END LOOP;
END
$$;
SELECT pg_stat_force_next_flush();
-- --8<-- [end:workload]

-- --8<-- [start:query]
-- Large tables read mostly by sequential scans.
SELECT s.schemaname,
       s.relname AS table_name,
       s.seq_scan,
       s.seq_tup_read / greatest(s.seq_scan, 1) AS rows_per_seq_scan,
       coalesce(s.idx_scan, 0) AS idx_scan,   -- NULL when the table has no index
       c.reltuples::bigint AS estimated_rows,
       pg_size_pretty(pg_relation_size(s.relid)) AS table_size
FROM pg_stat_user_tables AS s
JOIN pg_class AS c ON c.oid = s.relid
WHERE s.seq_scan > 100
  AND c.reltuples > 10000
  AND coalesce(s.idx_scan, 0) < s.seq_scan
ORDER BY s.seq_tup_read DESC;
-- --8<-- [end:query]
