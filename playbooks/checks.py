"""`playbook check`: the handbook's diagnostic queries, run read-only against a live PostgreSQL.

Each check is a file under snippets/postgres/checks/, shown on docs/checks.md, that returns
(severity, object, evidence). The page, the tests and this module run the same text.

The database being checked may belong to someone hostile, and the person running the check is
often a superuser. So nothing the database's owner can create may stand in for what the checks
call: `search_path` is pinned to `pg_catalog, pg_temp` when connecting and again in every
transaction (with a utility `SET`, which resolves no function), so no relation, function or
operator outside pg_catalog is ever looked up; the timeouts are set again before every check, in
case a database-level setting or anything else changed them; and a client-side deadline closes
the connection of a server that stops answering.
"""

from __future__ import annotations

import re
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import Any

from . import paths
from .secrets import ClearTextRisk, DsnError, no_clear_text, parse_dsn, scrub, where

SEVERITIES = ("info", "warning", "error")
APPLICATION_NAME = "playbook check"
STATEMENT_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 1000
CONNECT_TIMEOUT_S = 5
# How long the client waits for one check before it gives up on the server and closes the
# connection: the statement_timeout plus a margin, for a backend too stalled to honour it.
DEADLINE_S = STATEMENT_TIMEOUT_MS / 1000 + 3
SAFE_SEARCH_PATH = "pg_catalog, pg_temp"
# Usage counters younger than this cannot tell an unused index from a monthly job's.
MIN_STATS_AGE_DAYS = 7
_SETTINGS = {
    "search_path": "pg_catalog,pg_temp",
    "default_transaction_read_only": "on",
    "statement_timeout": str(STATEMENT_TIMEOUT_MS),
    "lock_timeout": str(LOCK_TIMEOUT_MS),
    "idle_in_transaction_session_timeout": str(2 * STATEMENT_TIMEOUT_MS),
}


@dataclass(frozen=True)
class Check:
    name: str  # the snippet's file name, and the anchor of its section on docs/checks.md
    title: str
    phase: str  # the handbook phase that explains the problem and its fix
    engine: str = "postgres"  # its folder: snippets/<engine>/checks/

    @property
    def sql(self) -> str:
        return (paths.SNIPPETS / self.engine / "checks" / f"{self.name}.sql").read_text()

    @property
    def link(self) -> str:
        anchor = self.name if self.engine == "postgres" else f"{self.engine}-{self.name}"
        return f"{paths.SITE_URL}checks/#{anchor}"


CHECKS = (
    Check("invalid-indexes", "Invalid indexes", "indexing"),
    # Structural evidence first: when two checks print the same fix, the first one named keeps it.
    Check("duplicate-indexes", "Duplicate indexes", "indexing"),
    Check("redundant-indexes", "Redundant (left-prefix) indexes", "indexing"),
    Check("unused-indexes", "Unused indexes", "indexing"),
    Check("fk-without-index", "Foreign keys without a supporting index", "indexing"),
    Check("seq-scan-heavy-tables", "Large tables read by sequential scans", "indexing"),
    Check("tables-without-primary-key", "Tables without a primary key", "data-modeling"),
    Check("integer-key-overflow", "Integer keys near overflow", "data-modeling"),
    Check("stale-statistics", "Stale planner statistics", "query-optimization"),
    Check("not-valid-constraints", "Constraints never validated", "migrations"),
    Check("fk-type-mismatch", "Foreign keys of another type than their key", "data-modeling"),
    Check("duplicate-foreign-keys", "Duplicate foreign keys", "data-modeling"),
    Check("disabled-triggers", "Disabled triggers", "data-modeling"),
    Check("autovacuum-disabled", "Autovacuum switched off", "query-optimization"),
    Check("dead-tuples", "Dead rows autovacuum has not removed", "query-optimization"),
    Check("table-bloat", "Table bloat (estimated)", "query-optimization"),
    Check("xid-wraparound", "Transaction ID wraparound age", "query-optimization"),
    Check("multixact-wraparound", "Multixact ID wraparound age", "query-optimization"),
    Check("long-transactions", "Long-open transactions", "migrations"),
    Check("inactive-replication-slots", "Inactive replication slots", "scaling"),
    Check("cache-hit-ratio", "Low cache hit ratio", "scaling"),
    Check("password-encryption-md5", "MD5 password encryption", "requirements"),
    Check("overlapping-indexes", "Overlapping indexes", "indexing"),
    Check("btree-on-array", "B-tree indexes on array columns", "indexing"),
    Check("boolean-indexes", "Indexes on a boolean column", "indexing"),
    Check("mostly-null-indexes", "Indexes on a mostly-NULL column", "indexing"),
    Check("timestamp-without-time-zone", "timestamp without time zone", "data-modeling"),
    Check("money-columns", "money columns", "data-modeling"),
    Check("char-columns", "char(n) columns", "data-modeling"),
    Check("json-columns", "json instead of jsonb", "data-modeling"),
    Check("serial-columns", "serial instead of identity", "data-modeling"),
    Check("rules", "Rules", "data-modeling"),
)


def select(
    only: str | None = None,
    skip: str | None = None,
    phase: str | None = None,
    catalogue: tuple[Check, ...] = CHECKS,
) -> tuple:
    """The checks of `catalogue` named by --only / --skip (comma-separated ids) and --phase;
    ValueError if a name is unknown."""
    known = {c.name for c in catalogue}
    chosen = list(catalogue)
    for option, names in (("--only", only), ("--skip", skip)):
        if names is None:
            continue
        wanted = {n.strip() for n in names.split(",") if n.strip()}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(f"{option}: unknown check(s) {', '.join(unknown)} (see --list)")
        keep = option == "--only"
        chosen = [c for c in chosen if (c.name in wanted) == keep]
    return tuple(c for c in chosen if phase in (None, c.phase))


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    object: str
    evidence: str
    fix: str | None  # SQL that removes the problem; None where the remedy is a judgement call
    revert: str | None  # SQL that undoes the fix; None where there is nothing to undo
    lock: str | None  # what the fix locks, and how
    link: str

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def of(cls, check: Check, row: tuple) -> Finding:
        """A check's row (severity, object, evidence[, fix, revert, lock]) as a finding; bytes
        (MySQL's drivers return some strings so) are read as UTF-8."""
        values = [
            None if v is None else v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
            for v in row
        ]
        return cls(check.name, *values, *[None] * (6 - len(values)), link=check.link)


@dataclass(frozen=True)
class Target:
    """What was checked, as the server itself reported it at connection time."""

    host: str
    port: int
    database: str
    user: str
    server_version: str
    engine: str = "PostgreSQL"  # or MariaDB, MySQL

    def describe(self) -> str:
        return (
            f"{self.engine} {self.server_version} at {self.host}:{self.port}, "
            f"database {self.database}, user {self.user}"
        )


class ConnectError(Exception):
    """The database cannot be reached or used; the message is one printable line."""


def connect_read_only(dsn: str) -> Any:
    """A connection whose every transaction is read-only, time-limited, named and pinned."""
    import psycopg

    try:
        params = parse_dsn(dsn)
    except DsnError as e:
        raise ConnectError(str(e)) from None
    try:
        protected = no_clear_text(params)
    except ClearTextRisk as e:  # refused before a byte is sent
        raise ConnectError(f"cannot connect to {where(params)}: {e}") from None
    options = " ".join(f"-c {name}={value}" for name, value in _SETTINGS.items())
    try:
        conn = psycopg.connect(
            dsn,
            application_name=APPLICATION_NAME,
            connect_timeout=CONNECT_TIMEOUT_S,
            # A server that vanishes mid-check is noticed within seconds, not hours.
            keepalives=1,
            keepalives_idle=5,
            keepalives_interval=2,
            keepalives_count=3,
            options=(params.get("options", "") + " " + options).strip(),
            **protected,
        )
    except psycopg.Error as e:
        reason = _reason(str(e)) or type(e).__name__
        found = _what_answers(params)
        if "requested a cleartext password" in reason:
            found = (
                "playbook check sends a password in clear text only with sslmode=verify-full, "
                "or with require_auth=password in the connection string"
            )
        hint = f"; {found}" if found else ""
        raise ConnectError(
            scrub(f"cannot connect to {where(params)}: {reason}{hint}", params)
        ) from None
    conn.read_only = True  # BEGIN READ ONLY as well, should a pooler drop the options
    return conn


def target(conn: Any) -> Target:
    info = conn.info
    return Target(
        host=info.host,
        port=int(info.port),
        database=info.dbname,
        user=info.user,
        server_version=info.parameter_status("server_version") or "?",
    )


class _Deadline(Exception):
    pass


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _Deadline in the main thread after `seconds` (elsewhere, no client-side limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(*_: Any) -> None:
        raise _Deadline

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(
    conn: Any,
    checks: tuple[Check, ...] = CHECKS,
    deadline_s: float = DEADLINE_S,
    min_stats_age_days: int = MIN_STATS_AGE_DAYS,
) -> list[Finding]:
    """Run each check in a read-only transaction of its own, pinned and time-limited.

    A check that fails becomes an error finding and the others still run. A server that does
    not answer within `deadline_s` gets its connection closed; the checks not run are reported.
    Findings of different checks that print the same fix are merged into one.
    """
    settings = {"playbook.min_stats_age": f"{int(min_stats_age_days)} days"}
    findings: list[Finding] = []
    for n, check in enumerate(checks):
        try:
            with _deadline(deadline_s):
                rows = _run_one(conn, check, settings)
        except _Deadline:
            conn.close()  # no ROLLBACK: it would wait on the same stalled server
            findings.append(stalled(check, checks[n + 1 :], deadline_s))
            break
        findings += [Finding.of(check, row) for row in rows]
    return _merged(findings)


def stalled(check: Check, not_run: tuple, deadline_s: float) -> Finding:
    """The error finding for a server that stopped answering during `check`."""
    skipped = ", ".join(c.name for c in not_run) or "none"
    reason = (
        f"the server did not answer within {deadline_s:g} s; the connection was "
        f"closed, so these checks did not run: {skipped}"
    )
    return Finding(check.name, "error", check.name, reason, None, None, None, check.link)


def _merged(findings: list[Finding]) -> list[Finding]:
    """One finding per fix: the same DROP proposed by two checks is one piece of advice."""
    merged: list[Finding] = []
    by_fix: dict[str, int] = {}
    for f in findings:
        if f.fix and f.fix in by_fix:
            first = merged[by_fix[f.fix]]
            worst = max(first.severity, f.severity, key=_rank)
            evidence = f"{first.evidence}; also {f.check}: {f.evidence}"
            merged[by_fix[f.fix]] = replace(first, severity=worst, evidence=evidence)
            continue
        if f.fix:
            by_fix[f.fix] = len(merged)
        merged.append(f)
    return merged


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _run_one(conn: Any, check: Check, settings: dict[str, str]) -> list[tuple]:
    import psycopg

    try:
        # The first statement opens the READ ONLY transaction. These are utility statements:
        # they look up no function or operator, whatever search_path was.
        conn.execute(f"SET LOCAL search_path = {SAFE_SEARCH_PATH}")
        conn.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
        conn.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
        for name, value in settings.items():
            conn.execute(f"SET LOCAL {name} = '{value}'")  # values built here, not user text
        rows = conn.execute(check.sql).fetchall()
        conn.commit()
        return rows
    except psycopg.Error as e:
        conn.rollback()
        reason = (getattr(e.diag, "message_primary", None) or str(e)).strip()
        return [("error", check.name, f"the check itself failed: {reason}")]


def _reason(message: str) -> str:
    """libpq's connection error, without the address we print ourselves: its first line."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return re.sub(r"^(connection (failed|is bad): )?connection to server .*? failed: ", "", first)


def _what_answers(params: dict[str, str]) -> str | None:
    """When libpq fails, a hint if the port speaks another database's protocol."""
    host = (params.get("hostaddr") or params.get("host") or "").split(",")[0]
    if not host or host.startswith("/"):
        return None
    try:
        port = int((params.get("port") or "5432").split(",")[0])
        sock = socket.create_connection((host, port), timeout=1)
    except (OSError, ValueError):
        return None
    with sock:
        sock.settimeout(0.5)
        try:
            greeting = sock.recv(256)  # MySQL and MariaDB speak first
        except OSError:
            greeting = b""
        if len(greeting) > 5 and greeting[4] == 10:
            version = greeting[5:].split(b"\0", 1)[0].decode("ascii", "replace")
            return (
                f"that port answers with the MySQL protocol (server {version}): "
                "it is MySQL or MariaDB, not PostgreSQL; check it with a mysql:// URL"
            )
        try:
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
        except OSError:
            return None
    if reply.startswith((b"+PONG", b"-NOAUTH", b"-ERR", b"-DENIED")):
        return "that port answers with the Redis protocol: it is Redis, not PostgreSQL"
    return None
