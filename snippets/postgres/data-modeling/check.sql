-- example: data=sample error=check_violation
-- A CHECK constraint compares columns of the same row. Adding one checks every
-- existing row; this one holds for all 5,000 sessions.
ALTER TABLE sessions
    ADD CONSTRAINT sessions_expire_after_start CHECK (expires_at > created_at);
INSERT INTO sessions (user_id, token, created_at, expires_at)
VALUES (1, md5('late'), '2026-11-01 10:00:00+00', '2026-11-01 09:00:00+00');
