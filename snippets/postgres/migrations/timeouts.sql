-- example: data=none error=query_canceled
CREATE TABLE events AS SELECT g AS id FROM generate_series(1, 100000) AS g;
-- A migration session's first two settings: give up on a lock after 2 s instead of queueing
-- (and making everyone else queue behind you), and on any statement that runs too long.
SET lock_timeout = '2s';
SET statement_timeout = '10ms';  -- absurdly short, to show what happens
ALTER TABLE events ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
