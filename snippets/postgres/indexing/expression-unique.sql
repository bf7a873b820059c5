-- example: data=sample error=unique_violation
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
-- The lower-case twin of an existing mixed-case address.
INSERT INTO users (email, full_name)
SELECT lower(email), full_name FROM users WHERE email <> lower(email) ORDER BY id LIMIT 1;
