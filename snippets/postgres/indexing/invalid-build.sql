-- example: data=sample error=unique_violation
-- "One session per user", added to a table where users already have several.
CREATE UNIQUE INDEX CONCURRENTLY sessions_user_id_key ON sessions (user_id);
