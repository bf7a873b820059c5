"""`playbook lint --dsn`: what the database says about the tables a migration touches.

Read-only, through the same connection as `playbook check` (read-only transactions,
statement_timeout, pinned search_path). Each finding whose statement holds a write-blocking lock
through a pass over its table gets the table's size, row estimate and an estimated blocking
time; a foreign key whose column already has an index is no longer reported.

The rates are heap megabytes per second, measured with `measure_rates` on a throwaway
PostgreSQL 15 (durability off) on a 2-core machine under the test suite's load, on a 1,000,000
row table (73 MB heap, 95 MB with its primary key): SET NOT NULL and ADD CHECK read at
160-180 MB/s, CREATE INDEX built at 21 MB/s, ALTER COLUMN TYPE and VACUUM FULL rewrote at
7-8 MB/s. A production server's disks and load differ: read the estimate as an order of
magnitude, and measure your own with `measure_rates` on a copy.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from .observe import BLOCKS_WRITES
from .parse import Statement
from .rules import RULES, Hit

RATES_MB_S = {"scan": 170.0, "index": 21.0, "rewrite": 7.5}
_INDEX_BUILDS = {"create-index-blocks-writes", "constraint-builds-index", "reindex-blocks"}
_WRITES_EVERY_ROW = {"ddl-with-backfill"}  # an UPDATE of the whole table is a rewrite's work


@dataclass(frozen=True)
class Size:
    rows: int  # the planner's estimate (reltuples); -1 when never analysed
    heap_bytes: int


def work(rule_id: str, pg_version: int) -> str | None:
    """Which rate a flagged statement's blocking time goes by, or None when it blocks briefly."""
    fact = RULES[rule_id].fact(pg_version)
    if fact is None or fact.lock not in BLOCKS_WRITES:
        return None
    if fact.rewrite or rule_id in _WRITES_EVERY_ROW:
        return "rewrite"
    if rule_id in _INDEX_BUILDS:
        return "index"
    return "scan" if fact.scan else None


def estimate_seconds(kind: str, heap_bytes: int) -> float:
    return heap_bytes / 2**20 / RATES_MB_S[kind]


# The check connection pins search_path to pg_catalog, so tables are found by name in the user
# schemas; where several schemas have one, public wins, then the first by name.
_USER_TABLES = (
    "SELECT DISTINCT ON (c.relname) c.oid, c.relname, c.reltuples::bigint FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = ANY(%s) AND c.relkind IN ('r', 'p', 'm') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_' "
    "ORDER BY c.relname, n.nspname <> 'public', n.nspname"
)


def sizes(conn: Any, tables: set[str]) -> dict[str, Size]:
    """Size of each named table (see _USER_TABLES for which one a bare name means)."""
    rows = conn.execute(
        f"SELECT t.relname, t.reltuples, pg_relation_size(t.oid) FROM ({_USER_TABLES}) t",
        (sorted(tables),),
    ).fetchall()
    conn.rollback()
    return {name: Size(int(n), int(b)) for name, n, b in rows}


def indexed(conn: Any, tables: set[str]) -> set[tuple[str, str]]:
    """(table, column) for the leading column of every index on the named tables."""
    rows = conn.execute(
        f"SELECT t.relname, a.attname FROM ({_USER_TABLES}) t "
        "JOIN pg_index i ON i.indrelid = t.oid "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]",
        (sorted(tables),),
    ).fetchall()
    conn.rollback()
    return {(t, col) for t, col in rows}


def measure_rates(conn: Any, rows: int = 1_000_000) -> dict[str, float]:
    """Heap MB/s of a scan, an index build and a rewrite on a fresh table of `rows` rows.

    Needs a writable database (the sandbox): it creates and drops `lint_rate_probe`.
    """
    conn.execute("DROP TABLE IF EXISTS lint_rate_probe")
    conn.execute(
        "CREATE TABLE lint_rate_probe AS SELECT i::int AS id, md5(i::text) AS s, i %% 100 AS n "
        "FROM generate_series(1, %s) AS i",
        (rows,),
    )
    conn.execute("ALTER TABLE lint_rate_probe ADD PRIMARY KEY (id)")
    conn.execute("VACUUM ANALYZE lint_rate_probe")
    heap = conn.execute("SELECT pg_relation_size('lint_rate_probe')").fetchone()[0]
    rates = {}
    for kind, sql in (
        ("scan", "ALTER TABLE lint_rate_probe ALTER COLUMN s SET NOT NULL"),
        ("index", "CREATE INDEX ON lint_rate_probe (n)"),
        ("rewrite", "ALTER TABLE lint_rate_probe ALTER COLUMN id TYPE bigint"),
    ):
        start = time.perf_counter()
        conn.execute(sql)
        rates[kind] = heap / 2**20 / (time.perf_counter() - start)
    conn.execute("DROP TABLE lint_rate_probe")
    return rates


# --- --queries --dsn: what the planner does with each query -------------------------------------

LARGE_ROWS = 10_000


def plan_hits(conn: Any, statements: list[Statement]) -> list[Hit]:
    """EXPLAIN (no ANALYZE: nothing runs) each SELECT; hits for scans and sorts no index spares."""
    import psycopg

    from ..sql import plan_nodes

    hits: list[Hit] = []
    for st in statements:
        if st.kind != "SelectStmt":
            continue
        if '"ParamRef"' in json.dumps(st.tree):
            hits.append(Hit("not-explained", "it has parameters ($1 …)", st))
            continue
        try:
            # the queries name tables of the public schema; pg_catalog first keeps its
            # functions and operators from being shadowed by the database owner's
            conn.execute("SET LOCAL search_path = pg_catalog, public, pg_temp")
            plan = conn.execute(f"EXPLAIN (FORMAT JSON) {st.text}").fetchone()[0][0]["Plan"]
        except psycopg.Error as e:
            hits.append(Hit("not-explained", (e.diag.message_primary or type(e).__name__), st))
            continue
        finally:
            conn.rollback()
        nodes = plan_nodes(plan)
        large = _large_tables(conn, {n["Relation Name"] for n in nodes if "Relation Name" in n})
        for node in nodes:
            table = node.get("Relation Name")
            if node["Node Type"] == "Seq Scan" and "Filter" in node and table in large:
                hits.append(
                    Hit(
                        "no-index-for-predicate",
                        f"Seq Scan on {table}: {node['Filter']}",
                        st,
                        table,
                    )
                )
            if node["Node Type"] == "Limit":
                below = plan_nodes(node)[1:]
                sort = next((n for n in below if n["Node Type"] == "Sort"), None)
                scanned = {n.get("Relation Name") for n in below if n["Node Type"] == "Seq Scan"}
                if sort and scanned & large:
                    keys = ", ".join(sort.get("Sort Key", []))
                    hits.append(
                        Hit(
                            "no-index-for-order",
                            f"Sort ({keys}) of {', '.join(sorted(scanned & large))}",
                            st,
                        )
                    )
    return hits


def _large_tables(conn: Any, tables: set[str]) -> set[str]:
    if not tables:
        return set()
    return {name for name, size in sizes(conn, tables).items() if size.rows >= LARGE_ROWS}
