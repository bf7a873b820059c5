# --8<-- [start:dump]
# One database, in the custom format (compressed; pg_restore can pick objects from it).
pg_dump --host=db1.internal --username=postgres --format=custom --file=ledger.dump ledger
# Roles and tablespaces belong to the cluster, not to a database: pg_dump leaves them out.
pg_dumpall --host=db1.internal --username=postgres --globals-only --file=globals.sql
# --8<-- [end:dump]
# --8<-- [start:restore]
# On the new server: the roles first, then the database. --create makes the database from the
# dump, with its grants and settings (REVOKE CONNECT … FROM PUBLIC); --dbname is where to start.
psql --host=db2.internal --username=postgres --dbname=postgres --file=globals.sql
pg_restore --host=db2.internal --username=postgres --dbname=postgres --create --exit-on-error \
    ledger.dump
# --8<-- [end:restore]
# --8<-- [start:all]
# Every database of the cluster, and the globals, in one SQL file: one database after another.
pg_dumpall --host=db1.internal --username=postgres --file=all.sql
# --8<-- [end:all]
