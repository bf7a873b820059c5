-- example: engine=mariadb
-- --8<-- [start:reset]
DROP USER IF EXISTS app@'127.0.0.1';
-- --8<-- [end:reset]
-- --8<-- [start:require]
CREATE USER app@'127.0.0.1' ACCOUNT LOCK;
-- This account may log in over TLS only (REQUIRE X509 would also demand a client certificate).
ALTER USER app@'127.0.0.1' REQUIRE SSL;
SHOW CREATE USER app@'127.0.0.1';
-- --8<-- [end:require]
