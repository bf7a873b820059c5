-- example: data=none
-- --8<-- [start:reset]
DROP ROLE IF EXISTS legacy_md5;
-- --8<-- [end:reset]
SHOW password_encryption;
-- An account whose password was set while the server stored md5 hashes (before 14, or by
-- a setting left over), and the verifier each method leaves in the catalog.
SET password_encryption = 'md5';
CREATE ROLE legacy_md5 LOGIN PASSWORD 'only-an-example';
RESET password_encryption;
SELECT rolname, left(rolpassword, 14) AS stored_as
FROM pg_authid WHERE rolname = 'legacy_md5';
-- Setting the password again under scram-sha-256 replaces the md5 hash with a SCRAM verifier.
ALTER ROLE legacy_md5 PASSWORD 'only-an-example';
SELECT rolname, left(rolpassword, 14) AS stored_as
FROM pg_authid WHERE rolname = 'legacy_md5';
