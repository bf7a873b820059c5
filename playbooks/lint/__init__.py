"""`playbook lint`: PostgreSQL migrations checked before they run.

Each rule's lock, rewrite and scan is observed on a real server by tests/test_lint_rules.py;
`rules.RULES` says what each flags and what it claims per PostgreSQL version.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import paths
from .mariadb import MARIADB_RULES
from .parse import Statement, parse
from .queries import PLAN_RULES, QUERY_RULES, check_queries
from .rules import RULES as MIGRATION_RULES
from .rules import SEVERITIES, Hit, check

RULES = {**MIGRATION_RULES, **{r.id: r for r in QUERY_RULES + PLAN_RULES + MARIADB_RULES}}
ENGINES = ("postgres", "mariadb")

DEFAULT_PG_VERSION = 18  # the newest of the matrix, and the grammar pglast parses
# From 12: the fixes the rules print (REINDEX … CONCURRENTLY, a CHECK that spares SET NOT NULL
# its scan, ATTACH under SHARE UPDATE EXCLUSIVE) do not exist before.
PG_VERSIONS = range(12, 19)
MAX_BYTES = 16 * 1024 * 1024  # a migration is text; past this, refuse instead of reading it


class LintInputError(Exception):
    """A file that cannot be linted at all: exit 2."""


@dataclass
class Finding:
    rule: str
    severity: str
    path: str
    line: int
    message: str
    fix: str
    table: str | None = None  # the table whose lock, rewrite or scan the rule's facts describe
    column: str | None = None
    rows: int | None = None  # with --dsn: the table's estimated rows, heap size, blocking time
    heap_bytes: int | None = None
    blocks_seconds: float | None = None

    @property
    def doc(self) -> str:
        """The handbook section that shows the problem, the lock and the safe form, as a URL of
        the configured site (DBARCH_SITE_URL)."""
        return f"{paths.SITE_URL}lint/{RULES[self.rule].family}/#{self.rule}"

    @property
    def fails(self) -> bool:
        return SEVERITIES.index(self.severity) >= SEVERITIES.index("warning")


def lint_text(
    text: str,
    path: str = "-",
    pg_version: int = DEFAULT_PG_VERSION,
    queries: bool = False,
    engine: str = "postgres",
) -> list[Finding]:
    """Every finding on one migration (or, with `queries`, on application queries), in line
    order; ignored ones (with a reason) left out."""
    if engine == "mariadb":
        from .mariadb import check_mariadb

        hits = check_mariadb(text)
    else:
        statements = parse(text)
        errors = [Hit("parse-error", s.error, s) for s in statements if s.tree is None]
        hits = errors + (check_queries(statements) if queries else check(statements, pg_version))
    return _findings(hits, path)


def _findings(hits: list[Hit], path: str) -> list[Finding]:
    """Hits as findings, in line order; an ignore with a reason drops one, without reports it."""
    findings = []
    for hit in hits:
        st: Statement = hit.statement
        line = st.error_line if hit.rule == "parse-error" else st.line
        if hit.rule in st.ignores:
            if st.ignores[hit.rule]:
                continue
            findings.append(_finding("ignore-without-reason", path, line, f"ignore {hit.rule}"))
        found = _finding(hit.rule, path, line, hit.message, hit.table)
        found.column = hit.column
        findings.append(found)
    return sorted(findings, key=lambda f: f.line)


def _finding(rule_id: str, path: str, line: int, message: str, table: str | None = None) -> Finding:
    rule = RULES[rule_id]
    return Finding(rule_id, rule.severity, path, line, message, rule.fix, table)


def read_source(name: str) -> str:
    """The text of a migration file (or stdin for '-'), refusing binary and oversized input
    without reading more than MAX_BYTES + 1 bytes."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(name, "rb") as f:
                data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise LintInputError(f"{name}: cannot read it ({e.strerror})") from e
    if len(data) > MAX_BYTES:
        raise LintInputError(f"{name}: larger than {MAX_BYTES // 2**20} MiB; not a migration")
    if b"\0" in data:
        raise LintInputError(f"{name}: binary file (a NUL byte), not SQL")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LintInputError(f"{name}: not UTF-8 text (byte {e.start})") from e


def expand(names: list[str]) -> list[str]:
    """Files as given; a directory stands for its *.sql files, recursively, sorted."""
    files: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and path.is_dir():
            found = sorted(str(p) for p in path.rglob("*.sql") if p.is_file())
            if not found:
                raise LintInputError(f"{name}: no .sql file in this directory")
            files.extend(found)
        else:
            files.append(name)
    return files


def render(findings: list[Finding], fmt: str, checked: int, target: str = "") -> str:
    """`target`: what the rules judged for ("PostgreSQL 18"), named in the summary."""
    if fmt == "json":
        found = [{**asdict(f), "doc": f.doc} for f in findings]
        judged = {"judged_for": target} if target else {}
        return json.dumps({"files": checked, **judged, "findings": found}, indent=2) + "\n"
    if fmt == "github":
        level = {"error": "error", "warning": "warning", "info": "notice"}
        return "".join(
            f"::{level[f.severity]} file={f.path},line={f.line},title={f.rule}::"
            f"{_escape(f.message)} — {_escape(f.fix)}\n"
            for f in findings
        )
    lines = [
        f"{f.path}:{f.line}: {f.severity} [{f.rule}] {f.message}\n    fix: {f.fix}"
        f"\n    see the handbook: {f.doc}"
        for f in findings
    ]
    failing = sum(f.fails for f in findings)
    lines.append(
        f"{checked} file(s) checked{f' for {target}' if target else ''}: "
        f"{failing} finding(s) that fail the run, "
        f"{len(findings) - failing} info"
    )
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """GitHub workflow commands: % CR LF must be escaped in the message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def list_rules(pg_version: int) -> str:
    out = []
    for rule in RULES.values():
        fact = rule.fact(pg_version)
        effect = ""
        if fact:
            what = [w for w, on in (("rewrites", fact.rewrite), ("scans", fact.scan)) if on]
            effect = f"  [{fact.lock}{'; ' + ', '.join(what) if what else ''}]"
        if rule.since > pg_version:
            effect = f"  [applies from PostgreSQL {rule.since}]"
        out.append(f"{rule.id:<30} {rule.severity:<8} {rule.summary}{effect}")
    return "\n".join(out) + "\n"


def main(
    files: list[str],
    fmt: str = "text",
    pg_version: int | None = None,
    dsn: str = "",
    queries: bool = False,
    engine: str = "postgres",
) -> int:
    """Lint the files; print the findings; 0 clean, 1 findings that fail. LintInputError: 2.
    Without `pg_version`, the rules follow the --dsn server's major version, else the default."""
    if engine == "mariadb" and (dsn or queries):
        raise LintInputError("--dsn and --queries read PostgreSQL only, not --engine mariadb")
    names = expand(files)
    conn = _connect(dsn) if dsn else None
    pg_version = _judged_for(pg_version, conn)
    findings: list[Finding] = []
    try:
        for name in names:
            text = read_source(name)
            findings.extend(lint_text(text, name, pg_version, queries, engine))
            if conn is not None and queries:
                findings.extend(_plan_findings(conn, text, name))
        if conn is not None and not queries:
            findings = with_database(findings, conn, pg_version)
    finally:
        if conn is not None:
            conn.close()
    target = f"PostgreSQL {pg_version}" if engine == "postgres" and not queries else ""
    sys.stdout.write(render(findings, fmt, len(names), target))
    return 1 if any(f.fails for f in findings) else 0


def _judged_for(asked: int | None, conn: Any) -> int:
    """The major version the rules follow: --pg-version, else the server's, else the default;
    a server the rules do not know is judged as the nearest version they do, and said so."""
    server = conn.info.server_version // 10000 if conn is not None else None
    if asked is not None:
        if server is not None and server != asked:
            print(
                f"playbook lint: judged for PostgreSQL {asked} (--pg-version); "
                f"the --dsn server runs {server}",
                file=sys.stderr,
            )
        return asked
    if server is None:
        return DEFAULT_PG_VERSION
    nearest = min(max(server, PG_VERSIONS.start), PG_VERSIONS.stop - 1)
    if nearest != server:
        print(
            f"playbook lint: the --dsn server runs PostgreSQL {server}; judged for {nearest}, "
            "the nearest version the rules know",
            file=sys.stderr,
        )
    return nearest


def _connect(dsn: str) -> Any:  # a psycopg connection; psycopg is imported only with --dsn
    from ..checks import ConnectError, connect_read_only

    try:
        return connect_read_only(dsn)
    except ConnectError as e:
        raise LintInputError(str(e)) from e


def _plan_findings(conn: Any, text: str, path: str) -> list[Finding]:
    """--queries --dsn: what the planner does with each SELECT of the file."""
    import psycopg

    from . import live

    try:
        hits = live.plan_hits(conn, [s for s in parse(text) if s.tree is not None])
    except psycopg.Error as e:
        raise LintInputError(f"cannot plan the queries: {type(e).__name__}") from e
    return _findings(hits, path)


def with_database(findings: list[Finding], conn: Any, pg_version: int) -> list[Finding]:
    """Sizes and blocking times from the database; foreign keys it already indexes dropped."""
    import psycopg

    from . import live

    tables = {f.table for f in findings if f.table}
    try:
        size, has_index = live.sizes(conn, tables), live.indexed(conn, tables)
    except psycopg.Error as e:
        raise LintInputError(f"cannot read the tables' sizes: {type(e).__name__}") from e
    kept = []
    for f in findings:
        if f.rule == "fk-without-index" and (f.table, f.column) in has_index:
            continue
        kind = live.work(f.rule, pg_version)
        if f.table in size and kind:
            known = size[f.table]
            f.rows, f.heap_bytes = known.rows, known.heap_bytes
            f.blocks_seconds = live.estimate_seconds(kind, known.heap_bytes)
            f.message += (
                f" — {f.table}: about {max(known.rows, 0):,} rows, "
                f"{known.heap_bytes / 2**20:,.1f} MB: writes wait about {_duration(f.blocks_seconds)}"
            )
        kept.append(f)
    return kept


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under a second"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
