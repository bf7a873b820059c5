# example: fixtures=conn
"""A migration that gives up instead of queueing behind a long transaction, and retries."""

import threading
import time

import psycopg

dsn = conn.info.dsn
report = psycopg.connect(dsn, autocommit=True)  # a long report: it holds ACCESS SHARE on orders
report.execute("BEGIN")
report.execute("SELECT count(*) FROM orders").fetchone()

# --8<-- [start:queue]
# Without lock_timeout, ALTER TABLE waits for the report, and while it waits, its place in
# the lock queue makes every later query on the table wait too, plain SELECTs included.
migrator = psycopg.connect(dsn, autocommit=True)


def alter_without_timeout():
    try:
        migrator.execute("ALTER TABLE orders ADD COLUMN note text")
    except psycopg.errors.QueryCanceled:
        pass  # cancelled below, to end the demonstration


waiting = threading.Thread(target=alter_without_timeout)
waiting.start()
while not conn.execute(
    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [migrator.info.backend_pid]
).fetchone()[0]:
    time.sleep(0.01)
conn.execute("SET lock_timeout = '100ms'")  # how long this application read is willing to wait
try:
    conn.execute("SELECT total FROM orders WHERE id = 1")
    print("a SELECT behind the waiting ALTER: answered")
except psycopg.errors.LockNotAvailable:
    print("a SELECT behind the waiting ALTER: blocked")
blockers = conn.execute(
    "SELECT pg_blocking_pids(%s) = ARRAY[%s::int]", [migrator.info.backend_pid, report.info.backend_pid]
).fetchone()[0]
print(f"the ALTER is waiting for the report: {blockers}")
migrator.cancel_safe()
waiting.join()
# --8<-- [end:queue]


# --8<-- [start:migrate]
def migrate(conn, ddl, attempts=5, lock_timeout="200ms", pause_s=1.0):
    """Run `ddl` in a transaction that waits at most `lock_timeout` for its locks; retry."""
    for attempt in range(1, attempts + 1):
        try:
            with conn.transaction():
                conn.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
                conn.execute("SET LOCAL statement_timeout = '30s'")
                conn.execute(ddl)
            print(f"attempt {attempt}: done")
            return True
        except psycopg.errors.LockNotAvailable as e:
            print(f"attempt {attempt}: gave up after {lock_timeout}: {e.diag.message_primary}")
            time.sleep(pause_s)  # let the queue behind us drain, then try again
    return False


# --8<-- [end:migrate]


# --8<-- [start:run]
ddl = "ALTER TABLE orders ADD COLUMN note text"
assert not migrate(migrator, ddl, attempts=2, pause_s=0.1)  # the report is still running
report.execute("COMMIT")
report.close()
print("after the report commits:")
assert migrate(migrator, ddl)
migrator.close()
# --8<-- [end:run]
