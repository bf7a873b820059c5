"""What a SQL example prints, in psql's aligned format, and its comparison with a page's output.

A page may follow a SQL fence (inline or an include) with ```{.text output}```: the results of
the example's statements, each as psql prints it without the row-count footer, separated by
blank lines; a call of a function returning void prints nothing. Plans (the `QUERY PLAN` column of EXPLAIN) are printed as bare lines and compared
by shape — node types, relations and indexes, and nesting — since costs and timings vary. An
expected error is printed as psql does: `ERROR:  message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# PostgreSQL type OIDs psql right-aligns: int2, int4, int8, oid, float4, float8, money, numeric.
VOID_OID = 2278
NUMERIC_OIDS = {21, 23, 20, 26, 700, 701, 790, 1700}
_PLAN_COLUMN = "QUERY PLAN"
_NODE_DETAIL = re.compile(r"\s+\((cost|actual|never executed).*$")


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
    shape = []
    lines = text.splitlines()
    margin = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i == 0 or stripped.startswith("->"):
            depth = len(line) - len(line.lstrip()) - margin
            node = _NODE_DETAIL.sub("", stripped.removeprefix("->").strip())
            shape.append(f"{depth:>3} {node}")
    return shape


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
        same = plan_shape(page) == plan_shape(engine) if is_plan else page == engine.rstrip()
        if not same:
            kind = "the shape of plan" if is_plan else "result"
            return f"{kind} {n} differs\n--- page\n{page}\n--- engine\n{engine}"
    return None


def printed_differences(expected: str, printed: str) -> str | None:
    """For what a Python example prints: the same lines, trailing spaces and edge blanks aside."""

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip("\n").splitlines()]

    if lines(expected) == lines(printed):
        return None
    return f"differs\n--- page\n{expected.strip()}\n--- printed\n{printed.strip()}"
