"""The rules: what each flags, what the flagged statement does on each PostgreSQL version, and
the fixtures (a bad and a good migration under snippets/) on which tests/test_lint_rules.py
observes it on a real server.

`Fact` keys are the first major version a fact holds for; a rule whose `facts` is empty claims
no lock, rewrite or scan (its hazard is elsewhere, and its test shows that hazard instead).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .parse import Statement

SEVERITIES = ("info", "warning", "error")  # warning and error fail the run


@dataclass(frozen=True)
class Fact:
    lock: str  # the mode taken on the finding's table, as the manual names it
    rewrite: bool  # the table is written anew (new file node)
    scan: bool  # the whole table is read under that lock


@dataclass(frozen=True)
class Rule:
    id: str
    family: str  # the handbook page: docs/lint/<family>.md
    severity: str
    summary: str
    fix: str
    facts: dict[int, Fact] = field(default_factory=dict)
    since: int = 0  # the rule does not apply before this major version

    def fact(self, version: int) -> Fact | None:
        known = [v for v in self.facts if v <= version]
        return self.facts[max(known)] if known else None

    @property
    def bad(self) -> str:
        return f"lint/{self.id}/bad.sql"

    @property
    def good(self) -> str:
        return f"lint/{self.id}/good.sql"


AE, SRE, SH, SUE = "ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE", "SHARE UPDATE EXCLUSIVE"

_RULES = [
    Rule(
        "add-column-rewrites",
        "rewrites",
        "warning",
        "adding a column with a volatile default, serial, identity or stored generated value "
        "rewrites the table under ACCESS EXCLUSIVE",
        "add the column without the default, SET DEFAULT for new rows, backfill in batches",
        {11: Fact(AE, True, True)},
    ),
    Rule(
        "constraint-missing-not-valid",
        "constraints",
        "warning",
        "adding a FOREIGN KEY or CHECK validates every row under a lock that blocks writes",
        "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later transaction",
        {9: Fact(SRE, False, True)},  # the foreign key; a CHECK takes ACCESS EXCLUSIVE (see tests)
    ),
    Rule(
        "set-not-null-scans",
        "constraints",
        "warning",
        "SET NOT NULL reads the whole table under ACCESS EXCLUSIVE",
        "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL ≥ 12 "
        "skips the scan), then drop the CHECK",
        {9: Fact(AE, False, True)},
    ),
    Rule(
        "create-index-blocks-writes",
        "indexes",
        "warning",
        "CREATE INDEX without CONCURRENTLY blocks writes while it reads the whole table",
        "CREATE INDEX CONCURRENTLY, outside a transaction block",
        {9: Fact(SH, False, True)},
    ),
    Rule(
        "drop-index-blocks",
        "indexes",
        "warning",
        "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table",
        "DROP INDEX CONCURRENTLY, outside a transaction block",
        {9: Fact(AE, False, False)},
    ),
    Rule(
        "reindex-blocks",
        "indexes",
        "warning",
        "REINDEX without CONCURRENTLY blocks writes to the table (and reads through the index)",
        "REINDEX … CONCURRENTLY (PostgreSQL ≥ 12), outside a transaction block",
        {9: Fact(SH, False, True)},
    ),
    Rule(
        "concurrently-in-transaction",
        "indexes",
        "error",
        "a CONCURRENTLY statement inside a transaction block fails",
        "run it on its own, outside BEGIN … COMMIT (and outside your tool's per-file transaction)",
    ),
    Rule(
        "constraint-builds-index",
        "indexes",
        "warning",
        "ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE",
        "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX",
        {9: Fact(AE, False, True)},
    ),
    Rule(
        "column-type-change",
        "rewrites",
        "warning",
        "changing a column's type rewrites the table (or scans it) under ACCESS EXCLUSIVE",
        "add a new column, keep it in sync with a trigger, backfill in batches, swap in a short "
        "transaction",
        {9: Fact(AE, True, True)},
    ),
    Rule(
        "varchar-length-change",
        "rewrites",
        "info",
        "changing a column to text or varchar: no rewrite only when it widens a varchar or text",
        "widen only (varchar(n) → varchar(m > n) or text); narrowing rewrites the table",
    ),
    Rule(
        "rename-column",
        "clients",
        "warning",
        "renaming a column breaks every running client that still uses the old name",
        "expand and contract: add the new column, sync with a trigger, backfill, switch the "
        "application, then drop the old one",
        {9: Fact(AE, False, False)},
    ),
    Rule(
        "rename-table",
        "clients",
        "warning",
        "renaming a table breaks every running client that still uses the old name",
        "create a view under the old name in the same transaction, drop it when no client uses it",
        {9: Fact(AE, False, False)},
    ),
    Rule(
        "drop-column",
        "clients",
        "warning",
        "dropping a column breaks every running client that still selects or inserts it",
        "stop using it in the application first (and deploy), then drop it",
        {9: Fact(AE, False, False)},
    ),
    Rule(
        "drop-table",
        "clients",
        "warning",
        "dropping a table breaks every running client that still uses it, and loses its data",
        "stop using it first; rename it aside and drop it a release later",
        {9: Fact(AE, False, False)},
    ),
    Rule(
        "require-timeout",
        "process",
        "warning",
        "a migration without lock_timeout queues behind long transactions, and every query "
        "queues behind it",
        "SET lock_timeout = '2s' and SET statement_timeout before the first DDL; retry on timeout",
    ),
    Rule(
        "prefer-bigint",
        "types",
        "warning",
        "int and smallint keys and counters overflow; widening later rewrites the table",
        "bigint (8 bytes instead of 4; the rewrite it saves costs far more)",
    ),
    Rule(
        "prefer-identity",
        "types",
        "warning",
        "serial's sequence is not tied to the column: explicit ids do not advance it",
        "bigint GENERATED ALWAYS AS IDENTITY",
    ),
    Rule(
        "prefer-timestamptz",
        "types",
        "warning",
        "timestamp without time zone stores wall-clock time: its meaning depends on each "
        "session's TimeZone",
        "timestamptz",
    ),
    Rule(
        "prefer-text",
        "types",
        "info",
        "varchar(n) limits are changed later with an ALTER TYPE; text with a CHECK is changed "
        "without one",
        "text, with CHECK (char_length(col) <= n) NOT VALID when a limit is needed",
    ),
    Rule(
        "domain-constraint",
        "constraints",
        "warning",
        "ALTER DOMAIN ADD CONSTRAINT checks every column of that domain in every table",
        "a CHECK on each table's column, NOT VALID then VALIDATE (a domain's VALIDATE CONSTRAINT "
        "still blocks writes while it scans)",
        {9: Fact(SH, False, True)},
    ),
    Rule(
        "vacuum-full",
        "rewrites",
        "warning",
        "VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE",
        "plain VACUUM (SHARE UPDATE EXCLUSIVE); to give space back online, pg_repack",
        {9: Fact(AE, True, True)},
    ),
    Rule(
        "detach-partition-blocks",
        "partitions",
        "warning",
        "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table",
        "DETACH PARTITION … CONCURRENTLY (PostgreSQL ≥ 14), outside a transaction block",
        {9: Fact(AE, False, False)},
        since=14,
    ),
    Rule(
        "attach-partition-scans",
        "partitions",
        "warning",
        "ATTACH PARTITION reads the whole partition to check its bound, unless a valid CHECK "
        "constraint already proves it",
        "add a CHECK matching the bound NOT VALID, VALIDATE it, then ATTACH",
        {9: Fact(AE, False, True)},  # on the partition; the parent: see the partitions page
    ),
    Rule(
        "fk-without-index",
        "constraints",
        "warning",
        "a foreign key whose column has no index makes every DELETE or key UPDATE of the "
        "referenced table read the whole referencing table",
        "CREATE INDEX CONCURRENTLY on the referencing column(s) in the same migration",
    ),
    Rule(
        "ddl-with-backfill",
        "process",
        "warning",
        "DML after DDL on the same table in one transaction holds the DDL's lock for the "
        "whole backfill",
        "commit the DDL first; backfill in batches, each its own short transaction",
        {9: Fact(AE, False, True)},  # the DDL's lock, still held while the DML reads the table
    ),
    Rule(
        "parse-error",
        "process",
        "error",
        "the statement is not valid PostgreSQL: nothing was checked",
        "fix the syntax (PostgreSQL 18's parser read it)",
    ),
    Rule(
        "unchecked-body",
        "process",
        "info",
        "SQL a DO block builds at run time (EXECUTE) is not checked; its static statements are",
        "write the statement out, or lint the SQL it builds separately",
    ),
    Rule(
        "ignore-without-reason",
        "process",
        "warning",
        "`-- playbook: ignore RULE` needs a reason after the rule name",
        "-- playbook: ignore RULE why it is safe here",
    ),
]
RULES: dict[str, Rule] = {r.id: r for r in _RULES}
ENGINE_PROVEN = [r for r in _RULES if r.id not in ("parse-error", "ignore-without-reason")]

# Functions whose result differs per row: a DEFAULT calling one must be stored in every row.
VOLATILE = {
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "random",
    "random_normal",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
}
SMALL_INTS = {
    "int2",
    "int4",
    "int",
    "integer",
    "smallint",
    "serial",
    "serial4",
    "smallserial",
    "serial2",
}
SERIALS = {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}


@dataclass
class Hit:
    rule: str
    message: str
    statement: Statement
    table: str | None = None
    column: str | None = None


def _name(parts: list[dict[str, Any]]) -> str:
    return parts[-1]["String"]["sval"] if parts else ""


def _type(type_name: dict[str, Any]) -> str:
    return _name(type_name.get("names", []))


def _rel(node: dict[str, Any] | None) -> str:
    return (node or {}).get("relname", "")


def _funcs(node: Any) -> Iterator[str]:
    """The names of all functions called anywhere in an expression tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "FuncCall":
                yield _name(value.get("funcname", []))
            yield from _funcs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _funcs(item)


def _constraints(column: dict[str, Any]) -> list[dict[str, Any]]:
    return [c["Constraint"] for c in column.get("constraints", [])]


def _options(node: dict[str, Any], key: str = "params") -> set[str]:
    return {o["DefElem"]["defname"] for o in node.get(key, []) if "DefElem" in o}


@dataclass
class _State:
    version: int
    created: set[str] = field(default_factory=set)  # tables created by this migration
    new_indexes: set[str] = field(default_factory=set)
    indexed: set[tuple[str, str]] = field(default_factory=set)  # (table, leading column)
    foreign_keys: list[tuple[Statement, str, str]] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)  # tables given a CHECK by this migration
    validated: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)  # views created by this migration
    in_transaction: bool = False
    altered_in_transaction: set[str] = field(default_factory=set)
    lock_timeout: bool = False
    statement_timeout: bool = False
    timeout_reported: bool = False


def check(statements: list[Statement], version: int) -> list[Hit]:
    """Every rule's hits on a migration, in statement order."""
    state = _State(version)
    hits: list[Hit] = []
    for st in statements:
        if st.tree is None:
            continue
        hits.extend(_statement(st, state))
    # a table renamed with a view under its old name keeps old clients working
    hits = [h for h in hits if not (h.rule == "rename-table" and h.table in state.views)]
    for st, table, column in state.foreign_keys:
        if (table, column) not in state.indexed:
            hits.append(
                Hit(
                    "fk-without-index",
                    f"no index on {table}({column}) in this migration: deleting from the "
                    "referenced table will read all of it",
                    st,
                    table,
                    column,
                )
            )
    return hits


_LOCKING = {
    "AlterTableStmt",
    "IndexStmt",
    "DropStmt",
    "ReindexStmt",
    "RenameStmt",
    "AlterDomainStmt",
    "ClusterStmt",
    "VacuumStmt",
    "CreateTrigStmt",
}


_ZERO = re.compile(r"\s*0*\.?0*\s*(us|ms|s|min|h|d)?\s*", re.IGNORECASE)


def _sets_a_limit(node: dict) -> bool:
    """SET of a timeout to a value other than zero: 0, '0ms', DEFAULT and RESET (the server's
    default, 0 unless someone changed it) all mean no limit."""
    if node.get("kind") != "VAR_SET_VALUE":
        return False
    for arg in node.get("args", []):
        const = arg.get("A_Const", {})
        value = next(iter(const.values()), {}) if const else {}
        text = str(next(iter(value.values()), "0")) if isinstance(value, dict) else str(value)
        if not _ZERO.fullmatch(text):
            return True
    return False


def _statement(st: Statement, s: _State) -> Iterator[Hit]:
    kind, node = st.kind, st.node
    if kind == "TransactionStmt":
        if node["kind"] in ("TRANS_STMT_BEGIN", "TRANS_STMT_START"):
            s.in_transaction = True
        elif node["kind"] in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK"):
            s.in_transaction, s.altered_in_transaction = False, set()
        return
    if kind == "VariableSetStmt":
        if node.get("name") == "lock_timeout":
            s.lock_timeout = _sets_a_limit(node)
        elif node.get("name") == "statement_timeout":
            s.statement_timeout = _sets_a_limit(node)
        return
    if kind == "DoStmt":
        yield from _do_block(st, s)
        return
    table = _rel(node.get("relation"))
    if kind in _LOCKING and table not in s.created and not s.timeout_reported:
        missing = [
            n
            for n, ok in (
                ("lock_timeout", s.lock_timeout),
                ("statement_timeout", s.statement_timeout),
            )
            if not ok
        ]
        if missing:
            s.timeout_reported = True
            yield Hit(
                "require-timeout", f"no {' or '.join(missing)} set before this statement", st, table
            )
    if kind == "ViewStmt":
        s.views.add(_rel(node.get("view")))
    if kind == "CreateStmt":
        s.created.add(table)
        yield from _new_columns(
            st, s, table, [e["ColumnDef"] for e in node.get("tableElts", []) if "ColumnDef" in e]
        )
        for element in node.get("tableElts", []):
            if "Constraint" in element:
                yield from _table_constraint(st, s, table, element["Constraint"], new=True)
            if "ColumnDef" in element:
                for c in _constraints(element["ColumnDef"]):
                    if c["contype"] == "CONSTR_PRIMARY" or c["contype"] == "CONSTR_UNIQUE":
                        s.indexed.add((table, element["ColumnDef"]["colname"]))
                    if c["contype"] == "CONSTR_FOREIGN":
                        s.foreign_keys.append((st, table, element["ColumnDef"]["colname"]))
    elif kind == "AlterTableStmt":
        yield from _alter_table(st, s, table, node)
    elif kind == "IndexStmt":
        s.new_indexes.add(node.get("idxname", ""))
        params = node.get("indexParams", [])
        if params and params[0]["IndexElem"].get("name"):
            s.indexed.add((table, params[0]["IndexElem"]["name"]))
        if node.get("concurrent"):
            yield from _concurrently(st, s)
        elif table not in s.created:
            yield Hit(
                "create-index-blocks-writes",
                f"CREATE INDEX on {table} without CONCURRENTLY",
                st,
                table,
            )
    elif kind == "DropStmt":
        names = [_name(o["List"]["items"]) for o in node.get("objects", []) if "List" in o]
        if node["removeType"] == "OBJECT_INDEX":
            if node.get("concurrent"):
                yield from _concurrently(st, s)
            elif not set(names) <= s.new_indexes:
                yield Hit(
                    "drop-index-blocks", f"DROP INDEX {', '.join(names)} without CONCURRENTLY", st
                )
        elif node["removeType"] == "OBJECT_TABLE":
            for name in names:
                if name not in s.created:
                    yield Hit("drop-table", f"DROP TABLE {name}", st, name)
    elif kind == "ReindexStmt":
        if "concurrently" in _options(node):
            yield from _concurrently(st, s)
        else:
            on_table = node.get("kind") == "REINDEX_OBJECT_TABLE"  # else relation names an index
            yield Hit(
                "reindex-blocks", "REINDEX without CONCURRENTLY", st, table if on_table else None
            )
    elif kind == "RenameStmt" and table not in s.created:
        if node["renameType"] == "OBJECT_COLUMN":
            yield Hit(
                "rename-column",
                f"{table}.{node.get('subname')} renamed to {node.get('newname')}",
                st,
                table,
            )
        elif node["renameType"] == "OBJECT_TABLE":
            yield Hit("rename-table", f"{table} renamed to {node.get('newname')}", st, table)
    elif kind == "AlterDomainStmt":
        definition = node.get("def", {}).get("Constraint", {})
        if node.get("subtype") == "C" and not definition.get("skip_validation"):
            yield Hit(
                "domain-constraint",
                f"domain {_name(node['typeName'])}: ADD CONSTRAINT without NOT VALID",
                st,
            )
    elif kind == "VacuumStmt":
        if node.get("is_vacuumcmd") and "full" in _options(node, "options"):
            rels = [_rel(r["VacuumRelation"].get("relation")) for r in node.get("rels", [])]
            yield Hit(
                "vacuum-full",
                "VACUUM FULL rewrites " + (", ".join(rels) or "every table"),
                st,
                rels[0] if rels else None,
            )
    elif kind == "ClusterStmt":
        yield Hit(
            "vacuum-full", f"CLUSTER rewrites {table or 'every clustered table'}", st, table or None
        )
    elif kind in ("UpdateStmt", "DeleteStmt", "InsertStmt"):
        if s.in_transaction and table in s.altered_in_transaction:
            if (
                kind != "InsertStmt"
                or "selectStmt" in node
                and "valuesLists" not in node["selectStmt"].get("SelectStmt", {})
            ):
                yield Hit(
                    "ddl-with-backfill",
                    f"{kind.removesuffix('Stmt').upper()} of {table} after DDL on it in the same transaction",
                    st,
                    table,
                )


def _do_block(st: Statement, s: _State) -> Iterator[Hit]:
    """A DO block runs its statements in one transaction, in the migration: check each static
    one as if it stood there (at its own line); SQL built at run time is reported unchecked."""
    from pglast import parser

    try:
        body = json.loads(parser.parse_plpgsql_json(st.text))
    except parser.ParseError as e:
        yield Hit("unchecked-body", f"the DO block's body did not parse: {e.args[0]}", st)
        return
    outer = s.in_transaction, s.altered_in_transaction
    s.in_transaction, s.altered_in_transaction = True, set()
    for step in _json_nodes(body, "PLpgSQL_stmt_execsql"):
        query = step["sqlstmt"]["PLpgSQL_expr"]["query"]
        line = st.line + step.get("lineno", 1) - 1
        try:
            parsed = json.loads(parser.parse_sql_json(query))["stmts"]
        except parser.ParseError as e:
            yield Hit("unchecked-body", f"a statement in the DO block: {e.args[0]}", st)
            continue
        for raw in parsed:
            inner = Statement(query, line, raw["stmt"], ignores=st.ignores)
            yield from _statement(inner, s)
    s.in_transaction, s.altered_in_transaction = outer
    if any(True for _ in _json_nodes(body, "PLpgSQL_stmt_dynexecute")):
        yield Hit("unchecked-body", "EXECUTE runs SQL built at run time: not checked", st)


def _json_nodes(node: Any, key: str) -> Iterator[dict[str, Any]]:
    """Every `key` node under `node`, in document order."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _json_nodes(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _json_nodes(item, key)


def _concurrently(st: Statement, s: _State) -> Iterator[Hit]:
    if s.in_transaction:
        yield Hit(
            "concurrently-in-transaction",
            "CONCURRENTLY inside a transaction block (BEGIN … COMMIT, or a DO block)",
            st,
        )


def _new_columns(
    st: Statement, s: _State, table: str, columns: list[dict[str, Any]]
) -> Iterator[Hit]:
    for column in columns:
        name, type_ = column.get("colname", ""), _type(column.get("typeName", {}))
        if type_ in SERIALS:
            yield Hit("prefer-identity", f"{table}.{name} is {type_}", st, table)
        if type_ in SMALL_INTS:
            yield Hit("prefer-bigint", f"{table}.{name} is {type_}", st, table)
        if type_ == "timestamp":
            yield Hit(
                "prefer-timestamptz", f"{table}.{name} is timestamp without time zone", st, table
            )
        if type_ == "varchar" and column["typeName"].get("typmods"):
            yield Hit("prefer-text", f"{table}.{name} is varchar(n)", st, table)


def _add_column_rewrites(column: dict[str, Any], version: int) -> str:
    """Why adding this column rewrites the table, or ''."""
    type_ = _type(column.get("typeName", {}))
    if type_ in SERIALS:
        return f"{type_} fills every row from a sequence"
    for c in _constraints(column):
        if c["contype"] == "CONSTR_IDENTITY":
            return "an identity column fills every row"
        # PostgreSQL 18 computes a generated column on read unless it says STORED
        if c["contype"] == "CONSTR_GENERATED" and (c.get("generated_kind") == "s" or version < 18):
            return "a stored generated column is computed for every row"
        if c["contype"] == "CONSTR_DEFAULT":
            volatile = sorted(set(_funcs(c.get("raw_expr"))) & VOLATILE)
            if volatile:
                return f"the default calls {', '.join(volatile)}(), which is volatile"
    return ""


def _alter_table(st: Statement, s: _State, table: str, node: dict[str, Any]) -> Iterator[Hit]:
    new = table in s.created
    ddl_locks = False
    for cmd in (c["AlterTableCmd"] for c in node.get("cmds", [])):
        sub, definition = cmd["subtype"], cmd.get("def", {})
        ddl_locks = ddl_locks or sub != "AT_ValidateConstraint"
        if sub == "AT_AddColumn":
            column = definition["ColumnDef"]
            yield from _new_columns(st, s, table, [column])
            why = _add_column_rewrites(column, s.version)
            if why and not new:
                yield Hit("add-column-rewrites", f"{table}.{column['colname']}: {why}", st, table)
            for c in _constraints(column):
                if c["contype"] == "CONSTR_FOREIGN":
                    s.foreign_keys.append((st, table, column["colname"]))
                    if not new and not c.get("skip_validation"):
                        yield Hit(
                            "constraint-missing-not-valid",
                            f"foreign key on {table}.{column['colname']} without NOT VALID",
                            st,
                            table,
                        )
                if c["contype"] in ("CONSTR_UNIQUE", "CONSTR_PRIMARY") and not new:
                    yield Hit(
                        "constraint-builds-index",
                        f"{table}.{column['colname']}: an inline UNIQUE/PRIMARY KEY builds an index under ACCESS EXCLUSIVE",
                        st,
                        table,
                    )
        elif sub == "AT_AddConstraint":
            yield from _table_constraint(st, s, table, definition["Constraint"], new)
        elif sub == "AT_ValidateConstraint":
            s.validated.add(table)
        elif sub == "AT_SetNotNull" and not new:
            if table not in s.validated:
                yield Hit(
                    "set-not-null-scans",
                    f"{table}.{cmd.get('name')} SET NOT NULL without a validated CHECK (… IS NOT NULL) first",
                    st,
                    table,
                )
        elif sub == "AT_AlterColumnType" and not new:
            type_name = definition["ColumnDef"]["typeName"]
            target = _type(type_name)
            if target in ("text", "varchar"):
                yield Hit(
                    "varchar-length-change",
                    f"{table}.{cmd.get('name')} to {target}: check that it only widens",
                    st,
                    table,
                )
            else:
                plan = ""
                if target == "int8":
                    plan = " (int → bigint on a big table: add a bigint column, sync it with a trigger, backfill in batches, build its unique index CONCURRENTLY, then swap names in one short transaction)"
                yield Hit(
                    "column-type-change", f"{table}.{cmd.get('name')} to {target}{plan}", st, table
                )
        elif sub == "AT_DropColumn" and not new:
            yield Hit("drop-column", f"{table}.{cmd.get('name')} dropped", st, table)
        elif sub == "AT_DetachPartition":
            if definition["PartitionCmd"].get("concurrent"):
                yield from _concurrently(st, s)
            elif s.version >= 14:
                yield Hit(
                    "detach-partition-blocks",
                    f"DETACH PARTITION {_rel(definition['PartitionCmd']['name'])} from {table} without CONCURRENTLY",
                    st,
                    table,
                )
        elif sub == "AT_AttachPartition":
            part = _rel(definition["PartitionCmd"]["name"])
            if part not in s.created and not (part in s.checked and part in s.validated):
                yield Hit(
                    "attach-partition-scans",
                    f"{part} has no validated CHECK matching its bound in this migration: ATTACH reads all of it",
                    st,
                    part,
                )
    if ddl_locks and s.in_transaction:
        s.altered_in_transaction.add(table)


def _table_constraint(
    st: Statement, s: _State, table: str, c: dict[str, Any], new: bool
) -> Iterator[Hit]:
    contype = c["contype"]
    if contype == "CONSTR_FOREIGN":
        for column in (k["String"]["sval"] for k in c.get("fk_attrs", [])[:1]):
            s.foreign_keys.append((st, table, column))
        if not new and not c.get("skip_validation"):
            yield Hit(
                "constraint-missing-not-valid",
                f"foreign key {c.get('conname', '')} on {table} without NOT VALID",
                st,
                table,
            )
    elif contype == "CONSTR_CHECK":
        s.checked.add(table)
        if not new and not c.get("skip_validation"):
            yield Hit(
                "constraint-missing-not-valid",
                f"CHECK {c.get('conname', '')} on {table} without NOT VALID",
                st,
                table,
            )
    elif contype in ("CONSTR_UNIQUE", "CONSTR_PRIMARY"):
        keys = [k["String"]["sval"] for k in c.get("keys", [])]
        if keys:
            s.indexed.add((table, keys[0]))
        if not new and not c.get("indexname"):
            yield Hit(
                "constraint-builds-index",
                f"{contype.removeprefix('CONSTR_')} on {table} without USING INDEX",
                st,
                table,
            )
