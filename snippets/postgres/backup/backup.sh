# Run as the operating-system user that owns the data directory (postgres).
# --8<-- [start:setup]
pgbackrest --stanza=demo stanza-create
pgbackrest --stanza=demo check
# --8<-- [end:setup]
# --8<-- [start:full]
pgbackrest --stanza=demo --type=full backup
# --8<-- [end:full]
# --8<-- [start:diff]
pgbackrest --stanza=demo --type=diff backup
# --8<-- [end:diff]
# --8<-- [start:incr]
pgbackrest --stanza=demo --type=incr backup
# --8<-- [end:incr]
# --8<-- [start:info]
pgbackrest --stanza=demo info --output=json
# --8<-- [end:info]
# --8<-- [start:verify]
pgbackrest --stanza=demo verify --output=text --verbose
# --8<-- [end:verify]
