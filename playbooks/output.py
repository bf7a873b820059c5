"""What a SQL example prints, in psql's aligned format, and its comparison with a page's output.

A page may follow a SQL fence (inline or an include) with ```{.text output}```: the results of
the example's statements, each as psql prints it without the row-count footer, separated by
blank lines; a call of a function returning void prints nothing. Plans (the `QUERY PLAN` column of EXPLAIN)
are printed as bare lines and compared by shape — node types, relations and indexes, and
nesting — since costs and timings vary; and each condition or count a page shows under a node
(`Filter:`, `Index Cond:`, `Heap Fetches:` …, see COMPARED_DETAILS) must be what the engine
printed under that node. An expected error is printed as psql does: `ERROR:  message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# PostgreSQL type OIDs psql right-aligns: int2, int4, int8, oid, float4, float8, money, numeric.
VOID_OID = 2278
NUMERIC_OIDS = {21, 23, 20, 26, 700, 701, 790, 1700}
_PLAN_COLUMN = "QUERY PLAN"
_NODE_DETAIL = re.compile(r"\s+\((cost|actual|never executed).*$")
# Lines under a plan node that a page may show and that do not vary from run to run. Others
# (Buffers, Sort Method's memory, Planning and Execution Time, WAL) are not compared.
COMPARED_DETAILS = (
    "Filter",
    "Index Cond",
    "Recheck Cond",
    "Hash Cond",
    "Merge Cond",
    "Join Filter",
    "One-Time Filter",
    "Order By",
    "Sort Key",
    "Presorted Key",
    "Group Key",
    "Heap Fetches",
    "Heap Blocks",
    "Index Searches",
    "Rows Removed by Filter",
    "Rows Removed by Index Recheck",
    "Subplans Removed",
)


@dataclass
class Result:
    columns: list[str]
    right_aligned: list[bool]
    rows: list[list[str | None]]

    @property
    def is_plan(self) -> bool:
        return self.columns == [_PLAN_COLUMN]

    def render(self) -> str:
        if self.is_plan:
            return "\n".join(f" {row[0]}" for row in self.rows)  # psql's one-space margin
        cells = [["" if v is None else str(v) for v in row] for row in self.rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = ["|".join(f" {_center(c, w)} " for c, w in zip(self.columns, widths, strict=True))]
        lines.append("+".join("-" * (w + 2) for w in widths))
        for row in cells:
            parts = [
                f" {v.rjust(w) if right else v.ljust(w)} "
                for v, w, right in zip(row, widths, self.right_aligned, strict=True)
            ]
            lines.append("|".join(parts))
        return "\n".join(line.rstrip() for line in lines)


def _center(text: str, width: int) -> str:
    left = (width - len(text)) // 2
    return " " * left + text + " " * (width - len(text) - left)


def error_text(exc: BaseException) -> str:
    """An engine error as psql prints it (PostgreSQL): ERROR, then DETAIL and HINT lines."""
    diag = getattr(exc, "diag", None)
    if diag is None:
        return f"ERROR:  {exc}"
    lines = [f"ERROR:  {diag.message_primary}"]
    if diag.message_detail:
        lines.append(f"DETAIL:  {diag.message_detail}")
    if diag.message_hint:
        lines.append(f"HINT:  {diag.message_hint}")
    return "\n".join(lines)


def plan_shape(text: str) -> list[str]:
    """The nodes of a plan in EXPLAIN's text form, with their nesting, without costs or details."""
    return [node for node, _ in plan_nodes(text)]


def plan_nodes(text: str) -> list[tuple[str, set[str]]]:
    """Each node of a plan in EXPLAIN's text form (depth and node, without costs), with the
    COMPARED_DETAILS lines printed under it."""
    nodes: list[tuple[str, set[str]]] = []
    lines = text.splitlines()
    margin = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i == 0 or stripped.startswith("->"):
            depth = len(line) - len(line.lstrip()) - margin
            node = _NODE_DETAIL.sub("", stripped.removeprefix("->").strip())
            nodes.append((f"{depth:>3} {node}", set()))
        elif nodes and stripped.split(":", 1)[0] in COMPARED_DETAILS:
            nodes[-1][1].add(stripped)
    return nodes


def _plan_difference(page: str, engine: str) -> str | None:
    shown, printed = plan_nodes(page), plan_nodes(engine)
    if [n for n, _ in shown] != [n for n, _ in printed]:
        return "the shape of plan"
    for (node, details), (_, printed_details) in zip(shown, printed, strict=True):
        if not details <= printed_details:
            wrong = sorted(details - printed_details)
            return f"a line shown under {node.strip()!r} ({'; '.join(wrong)}) in plan"
    return None


def _chunks(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return [c for c in "\n".join(lines).split("\n\n") if c.strip()]


def differences(expected: str, actual: list[tuple[str, bool]]) -> str | None:
    """None when the page's output matches the engine's (text, is_plan) chunks; else what differs."""
    want = _chunks(expected)
    if len(want) != len(actual):
        printed = "\n\n".join(text for text, _ in actual)
        return f"the page shows {len(want)} result(s), the engine printed {len(actual)}:\n{printed}"
    for n, (page, (engine, is_plan)) in enumerate(zip(want, actual, strict=True), 1):
        if is_plan:
            kind = _plan_difference(page, engine)
        else:
            kind = None if page == engine.rstrip() else "result"
        if kind:
            return f"{kind} {n} differs\n--- page\n{page}\n--- engine\n{engine}"
    return None


def printed_differences(expected: str, printed: str) -> str | None:
    """For what a Python example prints: the same lines, trailing spaces and edge blanks aside."""

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip("\n").splitlines()]

    if lines(expected) == lines(printed):
        return None
    return f"differs\n--- page\n{expected.strip()}\n--- printed\n{printed.strip()}"
