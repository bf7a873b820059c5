-- example: data=none
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;

-- --8<-- [start:create]
CREATE TABLE readings (
    recorded_at timestamptz NOT NULL,
    sensor_id   int NOT NULL,
    value       float8
) PARTITION BY RANGE (recorded_at);

-- One partition per day, from six days ago to three days ahead, plus a default. Declarative
-- range partitioning is p_type 'native' in pg_partman 4 and 'range' in 5, which refuses
-- 'native': this call reads the installed version.
SELECT partman.create_parent(
    p_parent_table    => 'public.readings',
    p_control         => 'recorded_at',
    p_type            => CASE WHEN (SELECT extversion FROM pg_extension
                                    WHERE extname = 'pg_partman') LIKE '4.%'
                              THEN 'native' ELSE 'range' END,
    p_interval        => '1 day',
    p_premake         => 3,
    p_start_partition => (current_date - 6)::text
);
-- --8<-- [end:create]

-- --8<-- [start:partitions]
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bounds
FROM pg_inherits AS i
JOIN pg_class AS c ON c.oid = i.inhrelid
WHERE i.inhparent = 'readings'::regclass
ORDER BY c.relname;
-- --8<-- [end:partitions]

-- --8<-- [start:maintain]
-- Keep five days ahead, and drop partitions whose data is older than three days.
UPDATE partman.part_config
SET premake = 5, retention = '3 days', retention_keep_table = false
WHERE parent_table = 'public.readings';

-- No row written yet: maintenance drops the old partitions but adds no new one.
SELECT partman.run_maintenance('public.readings');
SELECT count(*) FILTER (WHERE c.relname <> 'readings_default') AS partitions
FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
WHERE i.inhparent = 'readings'::regclass;

-- Rows arrive for today; the next run keeps five days ahead of them.
INSERT INTO readings
SELECT now() - g * interval '1 second', g % 10, random() FROM generate_series(1, 100) AS g;
SELECT partman.run_maintenance('public.readings');
-- --8<-- [end:maintain]

SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bounds
FROM pg_inherits AS i
JOIN pg_class AS c ON c.oid = i.inhrelid
WHERE i.inhparent = 'readings'::regclass
ORDER BY c.relname;
