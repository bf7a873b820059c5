"""`playbook check` on MariaDB and MySQL: the checks of snippets/mariadb/checks/, read-only.

The same interface as playbooks.checks (CHECKS, select, connect_read_only, target, run), the same
Finding and rendering; `for_dsn` picks this module for mysql:// and mariadb:// URLs.

Safety, as for PostgreSQL: the session is READ ONLY and every check runs in a START TRANSACTION
READ ONLY of its own; the statement time limit (MariaDB max_statement_time, MySQL
max_execution_time) and lock_wait_timeout are set again before each check, in case anything the
database's owner planted changed them; the client's read timeout gives up on a server that stops
answering. The checks read information_schema and performance_schema only, always qualified, and
call built-in functions only: a database owner cannot create objects in either schema, and a
stored function never shadows a built-in one (MariaDB and MySQL resolve an unqualified name to
the built-in), so nothing the owner wrote runs inside the check. The password is read from the
URL's fields and never printed, and never sent in clear text unless the connection is TLS with a
verified certificate (see _Refused).
"""

from __future__ import annotations

import re
import socket
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .checks import (
    MIN_STATS_AGE_DAYS,
    SEVERITIES,
    Check,
    ConnectError,
    Finding,
    Target,
    _merged,
    stalled,
)
from .secrets import scrub

# The interface cmd_check uses, the same as playbooks.checks'.
__all__ = [
    "CHECKS",
    "SEVERITIES",
    "ConnectError",
    "connect_read_only",
    "for_dsn",
    "run",
    "select",
    "target",
]

STATEMENT_TIMEOUT_S = 5
LOCK_WAIT_TIMEOUT_S = 1
CONNECT_TIMEOUT_S = 5
# How long the client waits for one answer before it gives up on the server.
DEADLINE_S = STATEMENT_TIMEOUT_S + 3
SCHEMES = re.compile(r"^\s*(mysql|mariadb)(\+\w+)?://", re.I)


def for_dsn(dsn: str | None) -> ModuleType:
    """This module for a mysql:// or mariadb:// URL, playbooks.checks for anything else."""
    import sys

    from . import checks

    return sys.modules[__name__] if dsn and SCHEMES.match(dsn) else checks


_INDEXING, _MODELING = "indexing", "data-modeling"


CHECKS = (
    # Structural evidence first: when two checks print the same fix, the first one named keeps it.
    Check(
        "duplicate-indexes",
        "Duplicate indexes (with InnoDB's primary key suffix)",
        _INDEXING,
        "mariadb",
    ),
    Check("redundant-indexes", "Redundant (left-prefix) indexes", _INDEXING, "mariadb"),
    Check("unused-indexes", "Unused indexes (performance_schema)", _INDEXING, "mariadb"),
    Check("fk-without-index", "Foreign keys without an index on either side", _INDEXING, "mariadb"),
    Check(
        "full-scan-heavy-tables",
        "Tables read by full scans (performance_schema)",
        _INDEXING,
        "mariadb",
    ),
    Check("tables-without-primary-key", "Tables without a primary key", _MODELING, "mariadb"),
    Check(
        "auto-increment-overflow", "AUTO_INCREMENT near its type's maximum", _MODELING, "mariadb"
    ),
)


def select(only: str | None = None, skip: str | None = None, phase: str | None = None) -> tuple:
    """The MariaDB/MySQL checks named by --only / --skip and --phase (see checks.select)."""
    from . import checks

    return checks.select(only, skip, phase, CHECKS)


def parse_url(dsn: str) -> dict[str, Any]:
    """mysql://user:password@host:port/database?ssl-mode=…&ssl-ca=… → fields; ConnectError with
    a message that holds no password."""
    try:
        parts = urlsplit(dsn.strip())
        port = parts.port or 3306
    except ValueError:
        raise ConnectError("cannot parse the mysql:// URL (host or port)") from None
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database or "/" in database:
        raise ConnectError(
            "a mysql:// URL needs a host and one database: mysql://user:password@host:3306/db"
        )
    options = {k.lower(): v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = sorted(set(options) - {"ssl-mode", "ssl-ca"})
    if unknown:
        names = ", ".join(n[:40] for n in unknown)
        raise ConnectError(f"unknown option(s) in the mysql:// URL: {names} (ssl-mode, ssl-ca)")
    mode = options.get("ssl-mode", "preferred").lower()
    if mode not in ("disabled", "preferred", "verify_identity"):
        raise ConnectError("ssl-mode: disabled, preferred (the default) or verify_identity")
    return {
        "host": parts.hostname,
        "port": port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": database,
        "ssl_mode": mode,
        "ssl_ca": options.get("ssl-ca"),
    }


class _Refused:
    """PyMySQL's handler for a login method that gives the password away: mysql_clear_password
    and the prompts of `dialog` (PAM) send it as it is, mysql_old_password sends a pre-4.1
    scramble from which it can be cracked. PyMySQL answers them over any connection; over one
    that is not TLS with a verified certificate, whoever asks (a man in the middle who stripped
    TLS, say) would have it. Like the mysql client, which wants --enable-cleartext-plugin and
    refuses old passwords, the check refuses them unless ssl-mode=verify_identity."""

    method = ""

    def __init__(self, conn: Any) -> None:
        pass

    def authenticate(self, packet: Any) -> Any:
        import pymysql

        raise pymysql.err.OperationalError(
            2059,
            f"the server asked for {REFUSED_METHODS[self.method]} ({self.method}): refused on "
            "a connection that is not TLS with a verified certificate (ssl-mode=verify_identity)",
        )


REFUSED_METHODS = {
    "mysql_clear_password": "the password in clear text",
    "dialog": "the password in clear text",
    "mysql_old_password": "the password's pre-4.1 scramble, which can be cracked",
}


def connect_read_only(dsn: str) -> Any:
    """A PyMySQL connection whose session is read-only and time-limited."""
    import pymysql

    params = parse_url(dsn)
    tls: dict[str, Any] = {}
    refused = {m: type(m, (_Refused,), {"method": m}) for m in REFUSED_METHODS}
    if params["ssl_mode"] == "verify_identity":
        tls = {"ssl_ca": params["ssl_ca"], "ssl_verify_identity": True}
        refused = {}
    elif params["ssl_mode"] == "disabled":
        tls = {"ssl_disabled": True}
    # else PyMySQL's default, like the mysql client's: TLS when the server offers it, unverified
    where = f"{params['user']}@{params['host']}:{params['port']}/{params['database']}"
    try:
        conn = pymysql.connect(
            host=params["host"],
            port=params["port"],
            user=params["user"],
            password=params["password"],
            database=params["database"],
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=DEADLINE_S,
            write_timeout=DEADLINE_S,
            autocommit=True,
            charset="utf8mb4",
            program_name="playbook check",
            auth_plugin_map=refused,
            **tls,
        )
        _limit(conn)
        with conn.cursor() as cur:
            cur.execute("SET SESSION TRANSACTION READ ONLY")
    except (pymysql.Error, OSError, RuntimeError) as e:
        reason = _reason(e)
        found = _what_answers(params["host"], params["port"])
        hint = f"; {found}" if found else ""
        message = scrub(f"cannot connect to {where}: {reason}{hint}", params)
        raise ConnectError(message) from None
    return conn


def _is_mariadb(conn: Any) -> bool:
    return "mariadb" in conn.get_server_info().lower()


def _limit(conn: Any) -> None:
    """The session's time limits, set (again) before each check."""
    with conn.cursor() as cur:
        if _is_mariadb(conn):
            cur.execute(f"SET SESSION max_statement_time = {STATEMENT_TIMEOUT_S}")
        else:
            cur.execute(f"SET SESSION max_execution_time = {STATEMENT_TIMEOUT_S * 1000}")
            # MySQL 8 caches information_schema.TABLES (AUTO_INCREMENT, TABLE_ROWS) for a day.
            cur.execute("SET SESSION information_schema_stats_expiry = 0")
        cur.execute(f"SET SESSION lock_wait_timeout = {LOCK_WAIT_TIMEOUT_S}")
        # The SQL of the checks means what it says: no ANSI_QUOTES, no NO_BACKSLASH_ESCAPES.
        cur.execute("SET SESSION sql_mode = ''")
        cur.execute(f"SET SESSION innodb_lock_wait_timeout = {LOCK_WAIT_TIMEOUT_S}")


def target(conn: Any) -> Target:
    with conn.cursor() as cur:
        cur.execute("SELECT VERSION(), DATABASE(), CURRENT_USER()")
        version, database, user = cur.fetchone()
    engine = "MariaDB" if "mariadb" in version.lower() else "MySQL"
    version = re.sub(r"^5\.5\.5-", "", version)
    return Target(conn.host, int(conn.port), database, user, version, engine)


def run(
    conn: Any, checks: tuple[Check, ...] = CHECKS, min_stats_age_days: int = MIN_STATS_AGE_DAYS
) -> list[Finding]:
    """Run each check in a read-only transaction of its own, time-limited.

    A check that fails becomes an error finding and the others still run. A server that does
    not answer within the client's read timeout (DEADLINE_S) loses its connection; the checks
    not run are reported. Findings of different checks that print the same fix are merged.
    """
    import pymysql

    findings: list[Finding] = []
    for n, check in enumerate(checks):
        try:
            rows = _run_one(conn, check, int(min_stats_age_days))
        except pymysql.Error as e:
            if conn.open:
                rows = [("error", check.name, f"the check itself failed: {_reason(e)}")]
            else:
                findings.append(stalled(check, checks[n + 1 :], DEADLINE_S))
                break
        findings += [Finding.of(check, row) for row in rows]
    return _merged(findings)


def _run_one(conn: Any, check: Check, min_stats_age_days: int) -> list[tuple]:
    import pymysql

    _limit(conn)
    with conn.cursor() as cur:
        cur.execute(f"SET @playbook_min_stats_age_days = {min_stats_age_days}")
        cur.execute("START TRANSACTION READ ONLY")
        try:
            cur.execute(check.sql)
            rows = list(cur.fetchall())
            cur.execute("COMMIT")
        except pymysql.Error:
            if conn.open:
                cur.execute("ROLLBACK")
            raise
    return rows


def _reason(error: BaseException) -> str:
    """The driver's message, without its error code's tuple."""
    args = getattr(error, "args", ())
    if len(args) >= 2 and isinstance(args[1], str):
        message = args[1]
    else:
        message = str(error) or type(error).__name__
    return message.strip().splitlines()[0] if message.strip() else type(error).__name__


def _what_answers(host: str, port: int) -> str | None:
    """When the MySQL handshake fails, a hint if the port speaks another database's protocol."""
    try:
        sock = socket.create_connection((host, port), timeout=1)
    except OSError:
        return None
    with sock:
        sock.settimeout(0.5)
        try:
            greeting = sock.recv(256)  # MySQL and MariaDB speak first
        except OSError:
            greeting = b""
        if greeting:
            return None
        try:
            # PostgreSQL's SSLRequest: it answers one byte, S or N.
            sock.sendall(b"\x00\x00\x00\x08\x04\xd2\x16\x2f")
            reply = sock.recv(64)
        except OSError:
            reply = b""
    if reply in (b"S", b"N"):
        return "that port answers with the PostgreSQL protocol: use postgresql://…"
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.settimeout(0.5)
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
    except OSError:
        return None
    if reply.startswith((b"+PONG", b"-NOAUTH", b"-ERR", b"-DENIED")):
        return "that port answers with the Redis protocol: it is Redis, not MySQL or MariaDB"
    return None
