-- example: data=schema after=postgres/scaling/publication-without-key.sql
-- Either name a unique index on NOT NULL columns as the replica identity …
CREATE UNIQUE INDEX audit_log_logged_at_key ON audit_log (logged_at);
ALTER TABLE audit_log REPLICA IDENTITY USING INDEX audit_log_logged_at_key;
UPDATE audit_log SET message = 'restarted';
-- … or, where no such index exists, send the whole old row (more WAL per change).
ALTER TABLE audit_log REPLICA IDENTITY FULL;
DELETE FROM audit_log;
