-- example: data=sample
-- ANALYZE runs the statement. For a write, wrap it in a transaction and roll back.
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
DELETE FROM sessions WHERE expires_at < '2026-01-01';
ROLLBACK;
SELECT count(*) AS still_there FROM sessions WHERE expires_at < '2026-01-01';
