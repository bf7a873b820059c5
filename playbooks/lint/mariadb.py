"""`playbook lint --engine mariadb`: MariaDB / MySQL migrations, parsed with sqlglot.

The one rule: an ALTER TABLE that does not name its ALGORITHM lets the server pick, and when the
change cannot be made in place it silently copies the table, blocking writes for the whole copy.
Naming ALGORITHM=INSTANT (or INPLACE, with LOCK=NONE) turns that fallback into an error.
tests/test_lint_mariadb.py observes both on the MariaDB of the test suite.
"""

from __future__ import annotations

import logging

from ..sql import split_statements
from .parse import Statement
from .rules import Hit, Rule

MARIADB_RULES = [
    Rule(
        "alter-without-algorithm",
        "mariadb",
        "warning",
        "ALTER TABLE without ALGORITHM: when the change cannot be made in place, MariaDB and "
        "MySQL copy the whole table and block writes until it is done",
        "add ALGORITHM=INSTANT (or ALGORITHM=INPLACE, LOCK=NONE): the server then refuses a copy",
    ),
    Rule(
        "opaque-statement",
        "mariadb",
        "info",
        "sqlglot kept this statement as text: it was not checked",
        "write it in a form the parser reads, or review it by hand",
    ),
]
_SAFE = {"INSTANT", "INPLACE", "NOCOPY"}


def check_mariadb(text: str) -> list[Hit]:
    """Parse each statement with sqlglot (MySQL dialect) and apply the rules."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it warns on every opaque statement
    hits = []
    for piece in split_statements(text):
        st = Statement(piece.text, piece.line, None)
        try:
            tree = sqlglot.parse_one(piece.text, read="mysql")
        except ParseError as e:
            first = e.errors[0]["description"] if e.errors else str(e)
            line = piece.line + (e.errors[0].get("line", 1) - 1 if e.errors else 0)
            st.error, st.error_line = first, line
            hits.append(Hit("parse-error", first, st))
            continue
        if isinstance(tree, exp.Command):
            hits.append(Hit("opaque-statement", piece.text.split("\n", 1)[0][:60], st))
        elif isinstance(tree, exp.Alter) and tree.args.get("kind") == "TABLE":
            algorithms = {
                o.this.name.upper()
                for o in tree.args.get("options") or []
                if isinstance(o, exp.AlgorithmProperty)
            }
            if not algorithms & _SAFE:
                table = tree.this.name
                hits.append(Hit("alter-without-algorithm", f"ALTER TABLE {table}", st, table))
    return hits
