-- example: data=sample
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
