-- example: data=sample
-- user_id is scattered over the table: every block range holds a wide spread of ids.
CREATE INDEX events_user_id_brin ON events USING brin (user_id);
ANALYZE events;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM events WHERE user_id = 42;
SELECT relpages, reltuples FROM pg_class WHERE relname = 'events';
