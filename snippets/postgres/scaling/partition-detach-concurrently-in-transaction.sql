-- example: data=sample after=postgres/scaling/partition-range.sql error=active_sql_transaction
BEGIN;
ALTER TABLE events_p DETACH PARTITION events_p_2024_11 CONCURRENTLY;
