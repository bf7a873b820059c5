# example: fixtures=primary_url,replica_url
"""Routing reads to a streaming replica, and reading your own writes despite the lag."""

import time

import psycopg

# --8<-- [start:router]
class Database:
    """Writes go to the primary; reads to the replica unless they must see a recent write."""

    def __init__(self, primary_url, replica_url):
        self.primary = psycopg.connect(primary_url, autocommit=True)
        self.replica = psycopg.connect(replica_url, autocommit=True)

    def write(self, sql, params=None):
        """Run a write on the primary; return the WAL position just after it."""
        self.primary.execute(sql, params)
        return self.primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]

    def read(self, sql, params=None, after_lsn=None, timeout=1.0):
        """Read from the replica; with after_lsn, only once the replica has replayed it,
        and from the primary if that takes longer than `timeout` seconds."""
        if after_lsn is not None and not self.replayed(after_lsn, timeout):
            return self.primary.execute(sql, params).fetchall()
        return self.replica.execute(sql, params).fetchall()

    def replayed(self, lsn, timeout):
        deadline = time.monotonic() + timeout
        while True:
            done = self.replica.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
            ).fetchone()[0]
            if done or time.monotonic() > deadline:
                return done
            time.sleep(0.005)
# --8<-- [end:router]


# --8<-- [start:use]
db = Database(primary_url, replica_url)
db.write("CREATE TABLE carts (user_id bigint PRIMARY KEY, items int NOT NULL)")
lsn = db.write("INSERT INTO carts VALUES (42, 3)")
# Read-your-writes: wait (a short while) for the replica to replay the insert.
print(db.read("SELECT items FROM carts WHERE user_id = %s", [42], after_lsn=lsn))

# The replica is read-only: PostgreSQL refuses the write.
try:
    db.replica.execute("INSERT INTO carts VALUES (43, 1)")
except psycopg.errors.ReadOnlySqlTransaction as e:
    print(f"{e.sqlstate}: {e}")
# --8<-- [end:use]

# --8<-- [start:lag]
db.replica.execute("SELECT pg_wal_replay_pause()")  # a standby that falls behind
try:
    lsn = db.write("UPDATE carts SET items = 4 WHERE user_id = 42")
    query = "SELECT items FROM carts WHERE user_id = 42"
    print("replica while paused:", db.replica.execute(query).fetchall())  # stale
    print("read-your-writes while paused:", db.read(query, after_lsn=lsn, timeout=0.1))
finally:
    db.replica.execute("SELECT pg_wal_replay_resume()")
print("replica after resume:", db.read(query, after_lsn=lsn, timeout=10))
# --8<-- [end:lag]
db.primary.close()
db.replica.close()
