-- example: data=sample error=exclusion_violation
-- An exclusion constraint with = on a hash index enforces uniqueness.
ALTER TABLE sessions ADD CONSTRAINT sessions_token_excl EXCLUDE USING hash (token WITH =);
INSERT INTO sessions (user_id, token, expires_at)
SELECT user_id, token, expires_at FROM sessions WHERE id = 1;
