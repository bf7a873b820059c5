"""`playbook lint --queries`: anti-patterns a query's syntax tree shows alone.

Each rule links to the handbook section whose executed example shows the cost, and
tests/test_lint_queries.py runs its bad and good fixture on the sample data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import paths
from .parse import Statement
from .rules import Hit, Rule

Q = "phases/query-optimization.md"
QUERY_RULES = [
    Rule(
        "function-on-column",
        "queries",
        "warning",
        "a function, cast or arithmetic on a column in WHERE or JOIN keeps a plain index on it "
        f"from being used ({Q}#case-insensitive-look-ups-an-expression-index-or-a-generated-column)",
        "compare the bare column with a transformed constant, or index the expression itself",
    ),
    Rule(
        "like-leading-wildcard",
        "queries",
        "warning",
        "LIKE '%…' cannot use a B-tree index: every row is read",
        "anchor the pattern at the start, or use a trigram (pg_trgm) GIN index",
    ),
    Rule(
        "not-in-subquery",
        "queries",
        "warning",
        f"NOT IN (subquery) returns no row at all once the subquery yields a NULL ({Q}#in-and-exists)",
        "NOT EXISTS (SELECT 1 … WHERE …)",
    ),
    Rule(
        "equals-null",
        "queries",
        "warning",
        "= NULL and <> NULL are never true: the condition matches no row",
        "IS NULL / IS NOT NULL",
    ),
    Rule(
        "offset-paging",
        "queries",
        "warning",
        f"OFFSET n reads and discards n rows on every page ({Q}#pagination-offset-or-keyset)",
        "keyset paging: WHERE (sort key, id) > (last seen) ORDER BY … LIMIT n",
    ),
    Rule(
        "order-by-random",
        "queries",
        "warning",
        "ORDER BY random() reads and sorts the whole table to return a few rows",
        "pick random keys (or TABLESAMPLE) and fetch those rows by index",
    ),
    Rule(
        "select-star",
        "queries",
        "warning",
        "SELECT * reads every column, rules out index-only scans, and breaks callers when columns "
        f"change ({Q}#read-only-the-columns-you-need-and-index-them-all)",
        "name the columns the caller uses",
    ),
    Rule(
        "no-where",
        "queries",
        "warning",
        "UPDATE or DELETE without WHERE changes every row of the table",
        "add the WHERE (WHERE true says you mean every row)",
    ),
    Rule(
        "cross-join",
        "queries",
        "warning",
        "tables listed with commas and no WHERE: every row of one paired with every row of the other",
        "JOIN … ON the condition that relates them",
    ),
    Rule(
        "union-distinct",
        "queries",
        "info",
        f"UNION removes duplicates, which costs a sort or hash of the whole result ({Q}#union-all-or-union)",
        "UNION ALL when the parts cannot overlap or duplicates are wanted",
    ),
]

# With --dsn: what the planner does with the query (playbooks/lint/live.py).
PLAN_RULES = [
    Rule(
        "no-index-for-predicate",
        "queries",
        "warning",
        "no index serves this predicate: the plan reads a large table (10,000 rows or more) "
        f"whole and filters it ({paths.SITE_URL}phases/indexing/#selective-predicates)",
        "an index on the filtered columns, if the predicate is selective",
    ),
    Rule(
        "no-index-for-order",
        "queries",
        "warning",
        "no index serves this ORDER BY … LIMIT: every row of a large table is read and sorted to "
        f"return a few ({paths.SITE_URL}phases/indexing/#order-by-limit)",
        "an index in the ORDER BY's order, after the WHERE's equality columns",
    ),
    Rule(
        "not-explained",
        "queries",
        "info",
        "the database could not plan this query (or it has parameters): its plan was not checked",
        "give it literal values, or check the table and column names",
    ),
]
_COMPARISONS = {"=", "<>", "!=", "<", ">", "<=", ">="}
_ARITHMETIC = {"+", "-", "*", "/", "||"}


def _op(expr: dict[str, Any]) -> str:
    name = expr.get("name", [])
    return name[-1]["String"]["sval"] if name else ""


def _has_column(node: Any) -> bool:
    if isinstance(node, dict):
        return "ColumnRef" in node or any(_has_column(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_column(v) for v in node)
    return False


def _wrapped_column(side: Any) -> bool:
    """A column inside a function call, a cast or arithmetic (not a bare column)."""
    if not isinstance(side, dict):
        return False
    if "FuncCall" in side or "TypeCast" in side:
        return _has_column(side)
    expr = side.get("A_Expr")
    return bool(expr and _op(expr) in _ARITHMETIC and _has_column(expr))


def _nodes(node: Any, key: str) -> Iterator[dict[str, Any]]:
    """Every `key` node anywhere under `node`."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _nodes(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item, key)


def _conditions(select: dict[str, Any]) -> list[Any]:
    """The WHERE clause and the JOIN … ON conditions of one query level."""
    return [
        select.get("whereClause"),
        *(j.get("quals") for j in _nodes(select.get("fromClause"), "JoinExpr")),
    ]


def _selects(node: Any) -> Iterator[dict[str, Any]]:
    """Every query level: SelectStmt nodes and the arms of UNION / INTERSECT / EXCEPT."""
    for select in _nodes(node, "SelectStmt"):
        yield from _arms(select)


def _arms(select: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield select
    for arm in (select.get("larg"), select.get("rarg")):
        if arm:
            yield from _arms(arm)


def check_queries(statements: list[Statement]) -> list[Hit]:
    """Every query rule's hits, once per rule and message in a statement (nested query levels
    see the conditions of the levels inside them too)."""
    hits: list[Hit] = []
    for st in statements:
        if st.tree is not None:
            seen = set()
            for hit in _query(st):
                if (hit.rule, hit.message) not in seen:
                    seen.add((hit.rule, hit.message))
                    hits.append(hit)
    return hits


def _query(st: Statement) -> Iterator[Hit]:
    kind, node = st.kind, st.node
    if kind in ("UpdateStmt", "DeleteStmt") and "whereClause" not in node:
        verb = kind.removesuffix("Stmt").upper()
        yield Hit("no-where", f"{verb} of {node['relation']['relname']} without WHERE", st)
    if kind == "SelectStmt":
        top = node
        if top.get("op") == "SETOP_UNION" and not top.get("all"):
            yield Hit("union-distinct", "UNION without ALL", st)
        for arm in _arms(top):
            for target in arm.get("targetList", []):
                ref = target["ResTarget"].get("val", {}).get("ColumnRef")
                if ref and "A_Star" in ref["fields"][-1]:
                    yield Hit("select-star", "SELECT *", st)
        if "limitOffset" in top:
            yield Hit("offset-paging", "OFFSET", st)
    tree = st.tree
    for select in [*_selects(tree), *([node] if kind != "SelectStmt" else [])]:
        from_items = select.get("fromClause", [])
        if len(from_items) > 1 and "whereClause" not in select and kind == "SelectStmt":
            yield Hit("cross-join", f"{len(from_items)} tables separated by commas, no WHERE", st)
        for sort in _nodes(select.get("sortClause"), "SortBy"):
            if "random" in {f["funcname"][-1]["String"]["sval"] for f in _nodes(sort, "FuncCall")}:
                yield Hit("order-by-random", "ORDER BY random()", st)
        for condition in _conditions(select):
            yield from _condition(st, condition)


def _condition(st: Statement, condition: Any) -> Iterator[Hit]:
    for expr in _nodes(condition, "A_Expr"):
        op, left, right = _op(expr), expr.get("lexpr"), expr.get("rexpr")
        if expr["kind"] in ("AEXPR_LIKE", "AEXPR_ILIKE"):
            pattern = (right or {}).get("A_Const", {}).get("sval", {}).get("sval", "")
            if pattern[:1] in ("%", "_"):
                yield Hit("like-leading-wildcard", f"LIKE '{pattern}'", st)
            if _wrapped_column(left):
                yield Hit("function-on-column", "a column wrapped in a function before LIKE", st)
        elif expr["kind"] == "AEXPR_OP" and op in _COMPARISONS:
            if any((side or {}).get("A_Const", {}).get("isnull") for side in (left, right)):
                yield Hit("equals-null", f"{op} NULL", st)
            if _wrapped_column(left) or _wrapped_column(right):
                yield Hit(
                    "function-on-column", "a column wrapped in a function, cast or arithmetic", st
                )
    for boolean in _nodes(condition, "BoolExpr"):
        if boolean["boolop"] == "NOT_EXPR":
            link = boolean["args"][0].get("SubLink", {})
            if link.get("subLinkType") == "ANY_SUBLINK":
                yield Hit("not-in-subquery", "NOT IN (SELECT …)", st)
