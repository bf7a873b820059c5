-- example: data=schema error=object_not_in_prerequisite_state
-- A table without a primary key, published for logical replication.
CREATE TABLE audit_log (logged_at timestamptz NOT NULL, message text NOT NULL);
INSERT INTO audit_log VALUES ('2026-11-01 10:00:00+00', 'started');
CREATE PUBLICATION audit_pub FOR TABLE audit_log;
-- INSERTs are still published. An UPDATE (or DELETE) must name the old row to the
-- subscriber, and without a replica identity it cannot: it fails here, on the primary.
UPDATE audit_log SET message = 'restarted';
