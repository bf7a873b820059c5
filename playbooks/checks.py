"""`playbook check`: the handbook's diagnostic queries, run read-only against a live PostgreSQL.

Each check is a file under snippets/postgres/checks/, shown on docs/checks.md, that returns
(severity, object, evidence). The page, the tests and this module run the same text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from . import paths

SEVERITIES = ("info", "warning", "error")
APPLICATION_NAME = "playbook check"
STATEMENT_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 1000


@dataclass(frozen=True)
class Check:
    name: str  # the snippet's file name, and the anchor of its section on docs/checks.md
    title: str
    phase: str  # the handbook phase that explains the problem and its fix

    @property
    def sql(self) -> str:
        return (paths.SNIPPETS / "postgres" / "checks" / f"{self.name}.sql").read_text()

    @property
    def link(self) -> str:
        return f"checks.md#{self.name}"


CHECKS = (
    Check("invalid-indexes", "Invalid indexes", "indexing"),
    Check("unused-indexes", "Unused indexes", "indexing"),
    Check("duplicate-indexes", "Duplicate indexes", "indexing"),
    Check("redundant-indexes", "Redundant (left-prefix) indexes", "indexing"),
    Check("fk-without-index", "Foreign keys without a supporting index", "indexing"),
    Check("seq-scan-heavy-tables", "Large tables read by sequential scans", "indexing"),
    Check("tables-without-primary-key", "Tables without a primary key", "data-modeling"),
    Check("integer-key-overflow", "Integer keys near overflow", "data-modeling"),
    Check("stale-statistics", "Stale planner statistics", "query-optimization"),
)


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    object: str
    evidence: str
    link: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def connect_read_only(dsn: str) -> Any:
    """A connection whose every transaction is read-only, time-limited and named."""
    import psycopg

    conn = psycopg.connect(
        dsn,
        application_name=APPLICATION_NAME,
        connect_timeout=5,
        options=(
            "-c default_transaction_read_only=on"
            f" -c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS}"
        ),
    )
    conn.read_only = True  # BEGIN READ ONLY as well, should a pooler drop the options
    return conn


def run(conn: Any, checks: tuple[Check, ...] = CHECKS) -> list[Finding]:
    """Run the checks in one read-only transaction; a check that fails becomes an error finding."""
    import psycopg

    findings: list[Finding] = []
    with conn.transaction():
        conn.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
        conn.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
        for check in checks:
            try:
                with conn.transaction():  # a savepoint: one failing check spares the others
                    rows = conn.execute(check.sql).fetchall()
            except psycopg.Error as e:
                reason = (e.diag.message_primary or str(e)).strip()
                rows = [("error", check.name, f"the check itself failed: {reason}")]
            findings += [Finding(check.name, *map(str, row), link=check.link) for row in rows]
    return findings
