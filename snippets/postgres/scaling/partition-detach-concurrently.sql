-- example: data=sample after=postgres/scaling/partition-range.sql
-- PostgreSQL 14 and later: SHARE UPDATE EXCLUSIVE on events_p, then a wait for the transactions
-- that use events_p to end, while new queries and writes go on.
ALTER TABLE events_p DETACH PARTITION events_p_2024_11 CONCURRENTLY;
DROP TABLE events_p_2024_11;  -- an ordinary table now: no lock on events_p
