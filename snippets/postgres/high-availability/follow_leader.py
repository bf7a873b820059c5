"""Writing through a failover: libpq finds the leader, the application retries what is safe."""

import psycopg


# --8<-- [start:url]
def leader_url(hosts, user, password, database):
    """One URL naming every member. libpq tries them in order and keeps the first that accepts
    writes; a replica, or a member that is down, is skipped."""
    return (
        f"postgresql://{user}:{password}@{','.join(hosts)}/{database}"
        "?target_session_attrs=read-write&connect_timeout=2"
    )


# --8<-- [end:url]


# --8<-- [start:writer]
class Writer:
    """Commits rows with keys chosen by the client, so that a retry can never write twice."""

    def __init__(self, url):
        self.url = url
        self.conn = None
        self.acknowledged = []  # keys whose COMMIT returned success to this client

    def write(self, key):
        """One attempt; True once the server acknowledged the commit. After False the commit is
        in doubt (it may or may not have happened): retry the same key, never a new one."""
        try:
            if self.conn is None:
                # No server-side prepared statements: behind PgBouncer in transaction mode the
                # next server connection (on the new leader, say) would not have them.
                self.conn = psycopg.connect(self.url, autocommit=True, prepare_threshold=None)
            self.conn.execute(
                "INSERT INTO ha_writes (id) VALUES (%s) ON CONFLICT (id) DO NOTHING", [key]
            )
        except (psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return False
        self.acknowledged.append(key)
        return True


# --8<-- [end:writer]
