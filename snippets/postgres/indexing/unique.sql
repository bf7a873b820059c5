-- example: data=sample error=unique_violation
-- users.email is UNIQUE: a second account with an existing address is rejected.
INSERT INTO users (email, full_name)
SELECT email, 'Someone Else' FROM users WHERE id = 1;
