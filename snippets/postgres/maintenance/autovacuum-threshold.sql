-- example: data=none
-- Two tables of 10,000 rows each: one keeps the server's autovacuum settings, the other
-- gets its own, much lower scale factor.
CREATE TABLE sessions_default (id bigint PRIMARY KEY, seen_at timestamptz NOT NULL);
CREATE TABLE sessions_tuned (id bigint PRIMARY KEY, seen_at timestamptz NOT NULL);
INSERT INTO sessions_default SELECT g, now() FROM generate_series(1, 10000) AS g;
INSERT INTO sessions_tuned SELECT g, now() FROM generate_series(1, 10000) AS g;
SELECT pg_stat_force_next_flush();  -- the inserts reach the statistics before the VACUUM
ALTER TABLE sessions_tuned SET (autovacuum_vacuum_scale_factor = 0.01,
                                autovacuum_vacuum_threshold = 50);
VACUUM ANALYZE sessions_default, sessions_tuned;  -- reltuples = 10000, no dead rows yet

-- The same UPDATE of 500 rows in each table: 500 dead row versions in each.
UPDATE sessions_default SET seen_at = now() WHERE id <= 500;
UPDATE sessions_tuned SET seen_at = now() WHERE id <= 500;
SELECT pg_stat_force_next_flush();

-- --8<-- [start:threshold]
-- When autovacuum will vacuum each table: threshold + scale_factor * reltuples, with the
-- table's own settings (reloptions) where it has them and the server's otherwise. From
-- PostgreSQL 18, at most autovacuum_vacuum_max_threshold (-1: no cap); before 18 there is none.
SELECT s.relname,
       s.n_dead_tup,
       v.vacuum_at,
       s.n_dead_tup > v.vacuum_at AS due,
       s.last_autovacuum IS NOT NULL AS autovacuumed
FROM pg_stat_user_tables AS s
JOIN pg_class AS c ON c.oid = s.relid
CROSS JOIN LATERAL (
    SELECT coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) AS o
                     WHERE o LIKE 'autovacuum_vacuum_threshold=%'),
                    current_setting('autovacuum_vacuum_threshold'))::float8 AS threshold,
           coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) AS o
                     WHERE o LIKE 'autovacuum_vacuum_scale_factor=%'),
                    current_setting('autovacuum_vacuum_scale_factor'))::float8 AS scale_factor,
           nullif(coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) AS o
                            WHERE o LIKE 'autovacuum_vacuum_max_threshold=%'),
                           current_setting('autovacuum_vacuum_max_threshold', true)),
                  '-1')::float8 AS max_threshold
) AS t
CROSS JOIN LATERAL (  -- least() passes over the NULL of "no cap"
    SELECT least(t.threshold + t.scale_factor * greatest(c.reltuples, 0), t.max_threshold)
           AS vacuum_at
) AS v
WHERE s.relname LIKE 'sessions_%'
ORDER BY s.relname;
-- --8<-- [end:threshold]
