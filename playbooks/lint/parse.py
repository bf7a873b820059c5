"""Migration files → statements with their syntax trees, from PostgreSQL's own parser.

pglast embeds libpg_query (PostgreSQL 18's grammar). The trees are the parser's JSON, loaded as
plain dicts: about ten times faster than pglast's Python node objects. A file that does not
parse as a whole is split at top-level semicolons and parsed statement by statement, so that one
bad statement becomes one finding at its own line and the others are still checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..sql import split_statements

_IGNORE = re.compile(r"--\s*playbook:\s*ignore\s+([\w,-]+)[ \t]*(.*)$", re.M)


@dataclass
class Statement:
    text: str
    line: int  # 1-based line of the statement's first character in the file
    tree: dict[str, Any] | None  # {"AlterTableStmt": {...}}; None when it did not parse
    error: str = ""  # the parser's message when it did not parse
    error_line: int = 0
    ignores: dict[str, str] = field(default_factory=dict)  # rule → reason

    @property
    def kind(self) -> str:
        return next(iter(self.tree)) if self.tree else ""

    @property
    def node(self) -> dict[str, Any]:
        return next(iter(self.tree.values())) if self.tree else {}


def parse(text: str) -> list[Statement]:
    """The statements of a PostgreSQL script, in order, each with its tree or its parse error."""
    from pglast import parser

    try:
        statements = _whole(text, parser.parse_sql_json(text))
    except parser.ParseError:
        statements = []
        for piece in split_statements(text):
            try:
                parsed = json.loads(parser.parse_sql_json(piece.text))["stmts"]
                tree = parsed[0]["stmt"] if parsed else None
                statements.append(Statement(piece.text, piece.line, tree))
            except parser.ParseError as e:
                offset = min(int(getattr(e, "location", 0) or 0), len(piece.text))
                line = piece.line + piece.text.count("\n", 0, offset)
                statements.append(Statement(piece.text, piece.line, None, e.args[0], line))
    _attach_ignores(text, statements)
    return statements


def _whole(text: str, parsed_json: str) -> list[Statement]:
    data = text.encode()  # the parser's locations are byte offsets
    statements = []
    line, counted = 1, 0
    for raw in json.loads(parsed_json)["stmts"]:
        start = raw.get("stmt_location", 0)
        end = start + raw["stmt_len"] if raw.get("stmt_len") else len(data)
        line += data.count(b"\n", counted, start)
        counted = start
        piece = data[start:end].decode()
        lead = len(piece) - len(_strip_comments(piece))
        first = line + piece.count("\n", 0, lead)
        statements.append(Statement(piece.strip().strip(";").strip(), first, raw["stmt"]))
    return statements


def _strip_comments(piece: str) -> str:
    """The piece without leading whitespace and leading -- or /* */ comments."""
    while True:
        stripped = piece.lstrip()
        if stripped.startswith("--"):
            newline = stripped.find("\n")
            piece = "" if newline == -1 else stripped[newline + 1 :]
        elif stripped.startswith("/*") and "*/" in stripped:
            piece = stripped[stripped.index("*/") + 2 :]
        else:
            return stripped


def _attach_ignores(text: str, statements: list[Statement]) -> None:
    """`-- playbook: ignore RULE reason` applies to the statement on its line or the next one."""
    if "playbook:" not in text:
        return
    lines = [s.line for s in statements]
    for m in _IGNORE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        target = next(
            (s for s in reversed(statements) if s.line <= line and _covers(s, line)), None
        )
        if target is None:
            target = next(
                (s for s, start in zip(statements, lines, strict=True) if start > line), None
            )
        if target is not None:
            for rule in m.group(1).split(","):
                target.ignores[rule] = m.group(2).strip()


def _covers(statement: Statement, line: int) -> bool:
    return statement.line <= line <= statement.line + statement.text.count("\n")
