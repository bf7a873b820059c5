-- example: data=none
-- On the primary. With synchronous_commit = off, COMMIT returns before its WAL is written.
CREATE TABLE carts (user_id bigint PRIMARY KEY, items int NOT NULL);
SET synchronous_commit = off;
INSERT INTO carts VALUES (42, 3);
SELECT pg_current_wal_lsn() AS written,          -- may still be short of the INSERT's commit
       pg_current_wal_insert_lsn() AS inserted;  -- past the commit record: the LSN to wait for
