# example: fixtures=pgbouncer_url
"""psycopg 3 through PgBouncer in transaction mode: server-side prepared statements break
unless PgBouncer tracks them (on by default from PgBouncer 1.24)."""

import psycopg

QUERY = "SELECT count(*) FROM orders WHERE customer_id = %s"

# --8<-- [start:broken]
# psycopg 3 prepares a statement on the server from its 6th execution on (prepare_threshold=5).
app = psycopg.connect(pgbouncer_url, autocommit=True)
other = psycopg.connect(pgbouncer_url, autocommit=True)
for customer_id in range(1, 7):
    app.execute(QUERY, [customer_id])  # the 6th prepares "_pg3_0" on server connection 1

other.execute("BEGIN")  # another client's transaction now holds server connection 1 ...
other.execute("SELECT 1")
try:
    app.execute(QUERY, [7])  # ... so this runs on server connection 2, which never saw it
except psycopg.errors.InvalidSqlStatementName as e:
    print(f"{e.sqlstate}: {e}")
other.execute("COMMIT")
# --8<-- [end:broken]

# --8<-- [start:fixed]
# Works through every PgBouncer, tracking prepared statements or not: do not prepare them.
app.close()
app = psycopg.connect(pgbouncer_url, autocommit=True, prepare_threshold=None)
for customer_id in range(1, 7):
    app.execute(QUERY, [customer_id])
other.execute("BEGIN")
other.execute("SELECT 1")
print(app.execute(QUERY, [7]).fetchone())  # works on any server connection
other.execute("COMMIT")
# --8<-- [end:fixed]

# --8<-- [start:leak]
# A plain SET stays on the server connection, not with the client that ran it.
app.execute("SET statement_timeout = '5s'")  # autocommit: its own transaction
other.execute("BEGIN")  # the next client to need a server connection gets that one
timeout = other.execute("SHOW statement_timeout").fetchone()[0]
other.execute("COMMIT")
print(f"another client sees statement_timeout = {timeout}")
# --8<-- [end:leak]
app.close()
other.close()
