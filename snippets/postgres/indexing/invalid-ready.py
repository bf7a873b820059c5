# example: fixtures=conn
"""A concurrent build of a unique index, cancelled after it became ready: what it leaves."""

import psycopg

# A report in another session has held its snapshot since before the build started.
report = psycopg.connect(conn.info.dsn, autocommit=True)
report.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
report.execute("SELECT count(*) FROM orders")

# The build's last phase waits for every older snapshot; lock_timeout gives up on the wait.
conn.execute("SET lock_timeout = '1s'")
try:
    conn.execute("CREATE UNIQUE INDEX CONCURRENTLY sessions_token_key ON sessions (token)")
except psycopg.errors.LockNotAvailable as e:
    print(f"CREATE UNIQUE INDEX CONCURRENTLY: {e.sqlstate} {e.diag.message_primary}")
report.execute("COMMIT")
report.close()


def show(when):
    valid, ready, size = conn.execute(
        "SELECT indisvalid, indisready, pg_size_pretty(pg_relation_size(indexrelid)) "
        "FROM pg_index WHERE indexrelid = 'sessions_token_key'::regclass"
    ).fetchone()
    print(f"{when}indisvalid={valid} indisready={ready} size={size}")


show("after the cancelled build: ")
# Every write still goes into the index: 5,000 new sessions ...
conn.execute(
    "INSERT INTO sessions (user_id, token, expires_at) "
    "SELECT user_id, md5(token), expires_at FROM sessions"
)
show("after 5,000 inserts: ")
# ... and it still enforces uniqueness.
try:
    conn.execute(
        "INSERT INTO sessions (user_id, token, expires_at) "
        "SELECT user_id, token, expires_at FROM sessions WHERE id = 1"
    )
except psycopg.errors.UniqueViolation as e:
    print(f"INSERT of an existing token: {e.sqlstate} {e.diag.message_primary}")
