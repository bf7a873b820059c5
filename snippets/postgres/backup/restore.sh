# Restore into a new, empty directory: the damaged cluster stays as it is.
# --8<-- [start:name]
pgbackrest --stanza=demo --pg1-path=/var/lib/postgresql/15/drill \
    --type=name --target=before_cleanup --target-action=promote restore
# --8<-- [end:name]
# --8<-- [start:name-set]
# Only a time target makes pgBackRest choose the backup; for a name it takes the latest. Taken
# after the restore point, that one starts past it: name the last backup before it (`info`).
pgbackrest --stanza=demo --pg1-path=/var/lib/postgresql/15/drill \
    --set=20261204-101500F_20261204-103000I \
    --type=name --target=before_cleanup --target-action=promote restore
# --8<-- [end:name-set]
# --8<-- [start:time]
pgbackrest --stanza=demo --pg1-path=/var/lib/postgresql/15/drill \
    --type=time "--target=2026-12-04 10:41:07.250+00" --target-action=promote restore
# --8<-- [end:time]
# --8<-- [start:copy-back]
# The restored copy runs on port 5433 beside production (5432): take the lost table from it.
pg_dump --host=localhost --port=5433 --username=postgres \
    --format=custom --table=order_items --file=order_items.dump shop
pg_restore --host=localhost --port=5432 --username=postgres \
    --dbname=shop --exit-on-error order_items.dump
# --8<-- [end:copy-back]
