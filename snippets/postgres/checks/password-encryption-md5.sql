-- password_encryption = md5 for this connection's database and role: every password set from
-- now on is stored as an MD5 hash, which a leaked hash lets anyone replay, and which PostgreSQL
-- has deprecated; scram-sha-256 (the default since PostgreSQL 14) is not replayable. Where it is
-- set (server configuration, database, role) decides the fix, and clients older than libpq 10
-- cannot log in with SCRAM: a judgement, no SQL. Roles whose password is already an MD5 hash
-- keep it until their password is set again.
SELECT 'warning' AS severity,
       'password_encryption' AS object,
       format('password_encryption = md5, set by %s%s: new passwords are stored as MD5 hashes; '
              'set it to scram-sha-256 there, then set each password again', s.source,
              CASE WHEN s.sourcefile IS NOT NULL
                   THEN format(' (%s line %s)', s.sourcefile, s.sourceline) ELSE '' END)
           AS evidence,
       NULL AS fix, NULL AS revert, NULL AS lock
FROM pg_settings AS s
WHERE s.name = 'password_encryption'
  AND s.setting = 'md5';
