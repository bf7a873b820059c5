"""SQL text handling shared by the example runner, the tests and the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")


@dataclass(frozen=True)
class Statement:
    text: str
    line: int  # 1-based line of the statement's first character within the script


def split_statements(script: str, line_comment: str = "--") -> list[Statement]:
    """Split a script at top-level semicolons, as psql does.

    Understands '-- comments', nested /* comments */, 'strings' (with '' and E'\\'' escapes),
    "identifiers", `backtick identifiers` (MariaDB) and $tag$ dollar quotes $tag$.
    Comment-only pieces are dropped. Cypher writes its line comments `//`: pass line_comment.
    """
    statements: list[Statement] = []
    i, start, n = 0, 0, len(script)
    has_code = False

    def emit(end: int) -> None:
        piece = script[start:end]
        stripped = piece.strip()
        if has_code and stripped:
            lead = len(piece) - len(piece.lstrip())
            # drop leading comment lines so the reported line points at the code itself
            line = script.count("\n", 0, start + lead) + 1
            statements.append(Statement(stripped, line))

    while i < n:
        c = script[i]
        if c == line_comment[0] and script.startswith(line_comment, i):
            j = script.find("\n", i)
            i = n if j == -1 else j + 1
            if not has_code:
                start = i
            continue
        if c == "/" and script.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if script.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif script.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            if not has_code:
                start = i
            continue
        if c == ";":
            emit(i + 1)
            i += 1
            start, has_code = i, False
            continue
        if not c.isspace():
            has_code = True
        if c in "'\"`":
            backslash = c == "'" and i > 0 and script[i - 1] in "eE"
            i += 1
            while i < n:
                if backslash and script[i] == "\\":
                    i += 2
                    continue
                if script[i] == c:
                    if script.startswith(c * 2, i):
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            continue
        if c == "$":
            m = _DOLLAR_TAG.match(script, i)
            if m and not (i > 0 and (script[i - 1].isalnum() or script[i - 1] == "_")):
                end = script.find(m.group(0), m.end())
                i = n if end == -1 else end + len(m.group(0))
                continue
        i += 1
    emit(n)
    return statements


def explain(conn: Any, query: str, params: Any = None, analyze: bool = False) -> dict:
    """The plan of `query` as EXPLAIN (FORMAT JSON) gives it: the top "Plan" node."""
    options = "ANALYZE, BUFFERS, " if analyze else ""
    with conn.cursor() as cur:
        cur.execute(f"EXPLAIN ({options}FORMAT JSON) {query}", params)
        return cur.fetchone()[0][0]["Plan"]


def plan_nodes(plan: dict) -> list[dict]:
    """Every node of a plan, depth first, top node first."""
    nodes = [plan]
    for child in plan.get("Plans", []):
        nodes.extend(plan_nodes(child))
    return nodes


def node_types(plan: dict) -> list[str]:
    return [node["Node Type"] for node in plan_nodes(plan)]


def index_names(plan: dict) -> set[str]:
    """The indexes a plan reads."""
    return {node["Index Name"] for node in plan_nodes(plan) if "Index Name" in node}


def snippet(path: str) -> str:
    """The text of a snippet file, by its path under snippets/ (as pages include it)."""
    from . import paths

    return (paths.SNIPPETS / path).read_text()


def run_script(conn: Any, script: str) -> list[tuple] | None:
    """Run a script statement by statement on `conn` (the example runner's executor); the rows
    of the last statement, if any."""
    from .runner import execute

    rows = None
    for result in execute(conn, split_statements(script)):
        rows = result.rows
    return rows
