-- example: data=sample
-- Session look-up by token: equality, and nothing else.
CREATE INDEX sessions_token_idx ON sessions USING hash (token);
ANALYZE sessions;
EXPLAIN (COSTS OFF)
SELECT user_id, expires_at FROM sessions WHERE token = '70f8c4f3ab92ecec71826281b42355be';
-- A hash index keeps no order: no range scans ...
EXPLAIN (COSTS OFF) SELECT user_id FROM sessions WHERE token > 'fff';
-- ... and no sorted output.
EXPLAIN (COSTS OFF) SELECT token FROM sessions ORDER BY token LIMIT 5;
