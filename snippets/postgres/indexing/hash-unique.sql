-- example: data=sample error=feature_not_supported
CREATE UNIQUE INDEX sessions_token_key ON sessions USING hash (token);
