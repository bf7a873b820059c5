-- example: data=none
-- The same 50,000 rows under three kinds of primary key. md5(n) cast to uuid stands in
-- for gen_random_uuid(): just as random in key order (its index comes out within about 15 %
-- of the size), and the same on every run.
CREATE TABLE pk_bigint (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    n  integer NOT NULL
);
CREATE TABLE pk_uuid_random (
    id uuid PRIMARY KEY,
    n  integer NOT NULL
);
-- A time-ordered UUID, laid out like a UUIDv7: 48 ordered bits first, random bits after.
CREATE TABLE pk_uuid_ordered (
    id uuid PRIMARY KEY,
    n  integer NOT NULL
);
INSERT INTO pk_bigint (n) SELECT n FROM generate_series(1, 50000) AS n;
INSERT INTO pk_uuid_random
SELECT md5(n::text)::uuid, n FROM generate_series(1, 50000) AS n;
INSERT INTO pk_uuid_ordered
SELECT overlay(md5(n::text) PLACING lpad(to_hex(n), 12, '0') FROM 1 FOR 12)::uuid, n
FROM generate_series(1, 50000) AS n;

-- 1,000 more rows each. WAL: what this statement wrote to the write-ahead log.
CREATE EXTENSION pageinspect;
CREATE TABLE wal_mark AS SELECT pg_current_wal_insert_lsn() AS lsn;
EXPLAIN (ANALYZE, WAL, COSTS OFF, TIMING OFF, SUMMARY OFF)
INSERT INTO pk_bigint (n) SELECT n FROM generate_series(50001, 51000) AS n;
EXPLAIN (ANALYZE, WAL, COSTS OFF, TIMING OFF, SUMMARY OFF)
INSERT INTO pk_uuid_random
SELECT md5(n::text)::uuid, n FROM generate_series(50001, 51000) AS n;
EXPLAIN (ANALYZE, WAL, COSTS OFF, TIMING OFF, SUMMARY OFF)
INSERT INTO pk_uuid_ordered
SELECT overlay(md5(n::text) PLACING lpad(to_hex(n), 12, '0') FROM 1 FOR 12)::uuid, n
FROM generate_series(50001, 51000) AS n;

-- Index size, and the index pages those 1,000 rows changed: a page's LSN is the WAL
-- position of its last change.
SELECT i.indexrelid::regclass AS index,
       pg_size_pretty(pg_relation_size(i.indexrelid)) AS size,
       round(pg_relation_size(i.indexrelid) / 51000.0, 1) AS bytes_per_row,
       (SELECT count(*)
        FROM generate_series(1, pg_relation_size(i.indexrelid) / 8192 - 1) AS b,
             page_header(get_raw_page(i.indexrelid::regclass::text, b::integer)) AS h
        WHERE h.lsn > (SELECT lsn FROM wal_mark)) AS pages_changed
FROM pg_index AS i
WHERE i.indrelid IN ('pk_bigint'::regclass, 'pk_uuid_random'::regclass,
                     'pk_uuid_ordered'::regclass)
ORDER BY pg_relation_size(i.indexrelid);
