-- example: data=none
-- A table of 20,000 rows (about 3.5 MB) with autovacuum off for it, so that each step below
-- is the one we run. pgstattuple reads the whole table: run it on a replica or a copy when
-- the table is large.
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE TABLE ledger (id bigint PRIMARY KEY, amount bigint NOT NULL, note text NOT NULL)
    WITH (autovacuum_enabled = false);
INSERT INTO ledger SELECT g, g % 1000, repeat('x', 120) FROM generate_series(1, 20000) AS g;

-- Delete nine rows in ten, spread over every page.
DELETE FROM ledger WHERE id % 10 <> 0;
SELECT pg_relation_size('ledger') AS bytes, dead_tuple_percent, free_percent
FROM pgstattuple('ledger');

-- VACUUM turns the dead rows into free space inside the same pages: the file keeps its size.
VACUUM ledger;
SELECT pg_relation_size('ledger') AS bytes, dead_tuple_percent, free_percent
FROM pgstattuple('ledger');

-- New rows go into that free space: the file does not grow.
INSERT INTO ledger SELECT g, g % 1000, repeat('y', 120) FROM generate_series(20001, 24000) AS g;
SELECT pg_relation_size('ledger') AS bytes, dead_tuple_percent, free_percent
FROM pgstattuple('ledger');

-- VACUUM FULL writes a new, compact file (under ACCESS EXCLUSIVE: see below).
VACUUM FULL ledger;
SELECT pg_relation_size('ledger') AS bytes, dead_tuple_percent, free_percent
FROM pgstattuple('ledger');
