-- example: data=none after=postgres/scaling/standby-conflict-primary.sql
-- On the primary: VACUUM leaves the empty pages at the end of readings, and takes no lock to cut them.
ALTER TABLE readings SET (vacuum_truncate = false);
