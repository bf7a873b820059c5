-- Invalid indexes, left by a CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY that failed: the
-- planner never uses them, yet writes may still maintain them. Drop and build again.
SELECT 'error' AS severity,
       format('%s', i.indexrelid::regclass) AS object,
       format('invalid index on %s (%s); %s on disk; DROP INDEX CONCURRENTLY and build it again',
              i.indrelid::regclass,
              CASE WHEN i.indisready THEN 'still maintained by writes' ELSE 'not even maintained' END,
              pg_size_pretty(pg_relation_size(i.indexrelid))) AS evidence
FROM pg_index AS i
WHERE NOT i.indisvalid
ORDER BY object;
