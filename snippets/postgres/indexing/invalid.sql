-- example: data=sample after=postgres/indexing/invalid-build.sql
-- Indexes that a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY left behind.
SELECT i.indexrelid::regclass AS index_name,
       i.indrelid::regclass   AS table_name,
       i.indisvalid,
       i.indisready,
       pg_size_pretty(pg_relation_size(i.indexrelid)) AS index_size
FROM pg_index AS i
WHERE NOT i.indisvalid;
-- Drop it (then fix the data, and build it again).
DROP INDEX CONCURRENTLY IF EXISTS sessions_user_id_key;
