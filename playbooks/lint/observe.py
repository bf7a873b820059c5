"""Watch a PostgreSQL session run DDL: the locks it holds, the tables it rewrites and scans.

Shared by the migrations chapter's claim tests and the linter's rule tests. Connection A runs a
statement inside an open transaction (or, for statements that refuse one, in a thread held
mid-way by an open transaction); a second connection reads A's locks from pg_locks. Rewrites are
seen as a new pg_relation_filenode, scans as tuples read by sequential scans in A's transaction
(pg_stat_xact_user_tables), both read on A itself so that uncommitted changes count.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

STRENGTH = [
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
]
# The modes that conflict with ROW EXCLUSIVE (writes) and with ACCESS SHARE (reads).
BLOCKS_WRITES = {"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"}
BLOCKS_READS = {"ACCESS EXCLUSIVE"}
# Statements PostgreSQL refuses to run in a transaction block.
_NO_TRANSACTION = re.compile(r"\bCONCURRENTLY\b|^\s*VACUUM\b", re.I)


def mode_name(mode: str) -> str:
    """AccessExclusiveLock → ACCESS EXCLUSIVE, as the PostgreSQL manual names the modes."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", mode.removesuffix("Lock")).upper()


def scalar(conn: Any, sql: str, params: Any = None) -> Any:
    return conn.execute(sql, params).fetchone()[0]


def filenodes(conn: Any) -> dict[str, int]:
    """The file node of every table of the public schema, as `conn` sees them."""
    rows = conn.execute(
        "SELECT relname, pg_relation_filenode(oid) FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
    )
    return dict(rows.fetchall())


def table_locks(observer: Any, pid: int, waiting: bool = False) -> dict[str, str]:
    """The strongest lock `pid` holds on each table of the public schema (with `waiting`, the
    locks it waits for count too), keyed by table, as pg_locks names the mode."""
    rows = observer.execute(
        "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND (l.granted OR %s) AND c.relkind IN ('r', 'p') "
        "AND c.relnamespace = 'public'::regnamespace "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        (pid, waiting),
    ).fetchall()
    strongest: dict[str, str] = {}
    for rel, mode in rows:
        if STRENGTH.index(mode) >= STRENGTH.index(strongest.get(rel, STRENGTH[0])):
            strongest[rel] = mode
    return strongest


def seq_tuples_read(conn: Any) -> dict[int, tuple[str, int]]:
    """Tuples read by sequential scans and not yet reported to the statistics system, per table
    oid (with its current name): compare two readings taken on `conn` around one statement."""
    rows = conn.execute("SELECT relid, relname, seq_tup_read FROM pg_stat_xact_user_tables")
    return {relid: (name, n) for relid, name, n in rows.fetchall()}


def blocked(probe: Any, sql: str) -> bool:
    """Does `sql` wait for a lock? `probe` must have a short lock_timeout set."""
    import psycopg

    try:
        probe.execute(sql)
        return False
    except psycopg.errors.LockNotAvailable:
        return True


def wait_until_waiting(observer: Any, pid: int, seconds: float = 10, done: Any = None) -> bool:
    """Wait until `pid` waits for a lock (True), or until `done()` says it finished (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if scalar(observer, "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", (pid,)):
            return True
        if done is not None and done():
            return False
        time.sleep(0.01)
    raise AssertionError("the statement never waited for the open transaction")


def debug_messages(conn: Any, sql_list: list[str]) -> list[str]:
    """Run the statements with client_min_messages = debug1; the messages the server sent."""
    messages: list[str] = []

    def collect(diag: Any) -> None:
        messages.append(diag.message_primary or "")

    conn.add_notice_handler(collect)
    conn.execute("SET client_min_messages = debug1")
    try:
        for sql in sql_list:
            conn.execute(sql)
    finally:
        conn.execute("RESET client_min_messages")
        conn.remove_notice_handler(collect)
    return messages


def connect_like(conn: Any) -> Any:
    """Another autocommit connection to `conn`'s database, as the same user."""
    import psycopg

    extra = {"password": conn.info.password} if conn.info.password else {}
    return psycopg.connect(conn.info.dsn, autocommit=True, **extra)


@dataclass
class Seen:
    """What one statement did: the strongest lock per table (manual's names), the tables whose
    file node changed, the tuples its sequential scans read per table (None: not measurable,
    the statement ran outside a transaction), and the server's DEBUG1 messages."""

    sql: str
    locks: dict[str, str] = field(default_factory=dict)
    rewrites: set[str] = field(default_factory=set)
    scanned: dict[str, int] | None = None
    messages: list[str] = field(default_factory=list)

    def blocks_writes(self, table: str) -> bool:
        return self.locks.get(table) in BLOCKS_WRITES

    def long_and_blocking(self) -> list[str]:
        """Tables on which this statement held a write-blocking lock for a pass over a table."""
        busy = bool(self.rewrites) or any((self.scanned or {}).values())
        return sorted(t for t in self.locks if busy and self.blocks_writes(t))


def watch(a: Any, statements: list[str]) -> list[Seen]:
    """Run `statements` on connection `a` (autocommit) one by one, each observed as above.

    A statement outside an explicit transaction of the script runs in one of its own, so that
    its locks can be read before COMMIT. A statement that refuses a transaction block runs in a
    thread while another connection holds ROW EXCLUSIVE on every table (an open writing
    transaction), so that it stops mid-way with its locks taken: then the locks it waits for
    count, and its scans cannot be read (None).
    """
    b, holder = (connect_like(a) for _ in range(2))
    pid = a.info.backend_pid
    seen: list[Seen] = []
    in_script_transaction = False
    messages: list[str] = []

    def collect(diag: Any) -> None:
        messages.append(diag.message_primary or "")

    a.add_notice_handler(collect)
    try:
        for sql in statements:
            head = sql.lstrip().split(None, 1)[0].upper().rstrip(";")
            if head in ("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SET", "RESET"):
                a.execute(sql)
                if head in ("BEGIN", "START"):
                    in_script_transaction = True
                elif head in ("COMMIT", "END", "ROLLBACK"):
                    in_script_transaction = False
                continue
            messages.clear()
            one = Seen(sql)
            before = filenodes(a)
            if _NO_TRANSACTION.search(sql) and not in_script_transaction:
                holder.execute("BEGIN")
                for table in filenodes(b):
                    holder.execute(f'LOCK TABLE "{table}" IN ROW EXCLUSIVE MODE')
                thread = threading.Thread(target=a.execute, args=(sql,))
                thread.start()
                # one that finishes while a writer holds every table conflicts with no write
                if wait_until_waiting(b, pid, done=lambda t=thread: not t.is_alive()):
                    one.locks = {t: mode_name(m) for t, m in table_locks(b, pid, True).items()}
                holder.execute("COMMIT")
                thread.join(30)
                assert not thread.is_alive(), sql
            else:
                if not in_script_transaction:
                    a.execute("BEGIN")
                a.execute("SET LOCAL client_min_messages = debug1")
                read_before = seq_tuples_read(a)
                a.execute(sql)
                read_after = seq_tuples_read(a)
                one.scanned = {
                    name: n - read_before.get(relid, ("", 0))[1]
                    for relid, (name, n) in read_after.items()
                    if n > read_before.get(relid, ("", 0))[1]
                }
                one.locks = {t: mode_name(m) for t, m in table_locks(b, pid).items()}
                one.rewrites = {
                    t for t, node in filenodes(a).items() if t in before and before[t] != node
                }
                if not in_script_transaction:
                    a.execute("COMMIT")
            if not one.rewrites:
                one.rewrites = {
                    t for t, node in filenodes(a).items() if t in before and before[t] != node
                }
            one.messages = list(messages)
            seen.append(one)
    finally:
        a.remove_notice_handler(collect)
        for other in (b, holder):
            other.close()
    return seen
