-- example: data=sample after=postgres/scaling/partition-range.sql
-- Retiring old months. Each statement takes ACCESS EXCLUSIVE on events_p itself: it waits for
-- every open transaction that read events_p, and every query after it waits behind it.
-- lock_timeout makes it give up after a second (retry later) instead of stalling the table.
SET lock_timeout = '1s';
ALTER TABLE events_p DETACH PARTITION events_p_2024_11;  -- keeps the month as a table
DROP TABLE events_p_2024_12;                             -- removes the month and its rows
