-- example: data=none after=postgres/scaling/standby-conflict-primary.sql
-- On the standby: a report that reads the table twice in one snapshot.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM readings;
SELECT count(*) FROM readings;
COMMIT;
