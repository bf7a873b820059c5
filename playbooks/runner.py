"""The one statement executor: how every snippet and SQL fence is run, without pytest.

`execute` sends an example's statements one by one over a DB-API connection (psycopg, PyMySQL)
and yields what each returned; an engine error propagates as the driver raised it. On top of it:

* `run_sql` — the example runner: the last statement may be expected to fail (`error=`), any
  other error, or a different one, or none, is an `ExampleFailure` naming file, line, statement
  and the engine's error; what the engine printed is compared with the page's output block;
* `run_statements` — Cypher (Kuzu, Neo4j) and CQL (Cassandra) the same way, through their drivers;
* `playbooks.replay` — the claim tests' replay, which keeps each result and plan.

The pytest plugin (playbooks.testing) only turns an `ExampleFailure` into a test failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import output
from .examples import Example
from .sql import Statement, split_statements

_SQLGLOT_DIALECT = {"postgres": "postgres", "mariadb": "mysql"}
_EXPLAIN = re.compile(r"^EXPLAIN\s*(?:\((?P<opts>[^)]*)\))?\s*(?P<query>.*)$", re.S | re.I)


class ExampleFailure(Exception):
    """An example did not do what its page says; the message says where and what happened."""


@dataclass
class Executed:
    statement: Statement
    description: Any  # the cursor's description; None for a statement that returns no rows
    rows: list | None

    @property
    def text(self) -> str:
        return self.statement.text


def statements_of(example: Example) -> list[Statement]:
    return split_statements(example.code, "//" if example.lang == "cypher" else "--")


def execute(
    connection: Any,
    statements: list[Statement],
    *,
    as_text: bool = False,
    explain_json: bool = False,
) -> Iterator[Executed]:
    """Run each statement in turn on a DB-API connection; yield its result as it is done.

    `as_text` makes psycopg return every value in PostgreSQL's text form, as psql shows it;
    `explain_json` asks each EXPLAIN for FORMAT JSON (one row, one value: the plan as a list).
    """
    with connection.cursor() as cursor:
        if as_text:
            _load_everything_as_text(cursor)
        for statement in statements:
            text = statement.text
            m = _EXPLAIN.match(text) if explain_json else None
            if m:
                options = ", ".join(o for o in [m["opts"], "FORMAT JSON"] if o)
                text = f"EXPLAIN ({options}) {m['query']}"
            cursor.execute(text)
            rows = cursor.fetchall() if cursor.description else None
            yield Executed(statement, cursor.description, rows)


def error_names(engine: str, exc: BaseException) -> set[str]:
    """The names an `error=` may give an engine error: PostgreSQL's SQLSTATE and condition name
    (`23505`, `unique_violation`), MariaDB's error number (`1062`)."""
    if engine == "postgres":
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()
        return {n for n in (getattr(exc, "sqlstate", "") or "", snake) if n}
    return {str(exc.args[0])} if exc.args else set()


def describe(engine: str, exc: BaseException) -> str:
    if engine == "postgres":
        return f"ERROR {' / '.join(sorted(error_names(engine, exc)))}: {str(exc).strip()}"
    return f"ERROR {exc.args[0]}: {exc.args[1] if len(exc.args) > 1 else exc}"


def is_engine_error(engine: str, exc: BaseException) -> bool:
    if engine == "postgres":
        import psycopg

        return isinstance(exc, psycopg.Error)
    import pymysql

    return isinstance(exc, pymysql.err.MySQLError)


def run_sql(example: Example, connection: Any) -> None:
    """Run a SQL example statement by statement; only the last one may fail, and only with the
    error its `error=` names. When the page shows the output, what the engine printed must match;
    when it shows it in content tabs per version, the tab naming the server's version.
    Raises `ExampleFailure`."""
    if example.code_variants:
        engine, version = server_version(connection)
        chosen = example.for_version(engine, version)
        if chosen is None:
            titles = "; ".join(v.title for v in example.code_variants)
            raise ExampleFailure(
                f"{example}: no content tab shows the code for {ENGINE_NAMES[engine]} "
                f"{version} (tabs: {titles})"
            )
        example = chosen
    statements = statements_of(example)
    if not statements:
        raise ExampleFailure(f"{example}: the example holds no SQL statement")
    expected, expected_at, error = example.output, example.output_at, example.error
    if example.variants:
        engine, version = server_version(connection)
        variant = example.variant_for(engine, version)
        if variant is None:
            titles = "; ".join(v.title for v in example.variants)
            raise ExampleFailure(
                f"{example.variants[0].at}: no content tab shows what {example} does on "
                f"{ENGINE_NAMES[engine]} {version} (tabs: {titles})"
            )
        if expected is not None:
            expected, expected_at = variant.output, variant.at
        if variant.error:
            error = None if variant.error == "none" else variant.error
    compare = expected is not None
    printed: list[tuple[str, bool]] = []
    done: list[Executed] = []
    try:
        for result in execute(connection, statements, as_text=compare and _is_pg(example)):
            done.append(result)
            if compare and result.description and not _is_void(result.description):
                printed.append(_printed(result.description, result.rows or []))
    except Exception as exc:
        if not is_engine_error(example.engine, exc):
            raise
        number = len(done) + 1
        statement = statements[number - 1]
        last = number == len(statements)
        if last and error and error in error_names(example.engine, exc):
            printed.append((output.error_text(exc), False))
        else:
            note = f" (expected {error} from the last statement)" if error else ""
            raise ExampleFailure(
                f"{example.source}:{example.line + statement.line - 1}: statement {number} of "
                f"{len(statements)} failed on {example.engine}{note}\n  {statement.text}\n"
                f"  {describe(example.engine, exc)}"
            ) from None
    else:
        if error:
            raise ExampleFailure(
                f"{example}: the last statement should fail with {error}, but it "
                f"succeeded\n  {statements[-1].text}"
            )
    if expected is not None:
        problem = output.differences(expected, printed)
        if problem:
            raise ExampleFailure(f"{expected_at}: the output shown for {example} {problem}")


ENGINE_NAMES = {"postgres": "PostgreSQL", "mariadb": "MariaDB", "mysql": "MySQL"}


def server_version(connection: Any) -> tuple[str, str]:
    """The engine and version a DB-API connection is served by: ("postgres", "17.12"),
    ("mariadb", "11.8.9"), ("mysql", "9.7.4")."""
    info = getattr(connection, "info", None)
    if info is not None and hasattr(info, "server_version"):  # psycopg
        number = info.server_version
        return "postgres", f"{number // 10000}.{number % 10000}"
    text = connection.get_server_info()  # PyMySQL: "11.8.9-MariaDB-0+deb13u1", "9.7.4-2"
    # MariaDB before 11 puts "5.5.5-" in front, for clients of old MySQL replication.
    text = text.removeprefix("5.5.5-")
    found = re.match(r"\d+(?:\.\d+)*", text)
    version = found[0] if found else text
    return ("mariadb" if "mariadb" in text.lower() else "mysql"), version


def run_statements(example: Example, client: Any) -> None:
    """Cypher (Kuzu, Neo4j) and CQL (Cassandra): each statement in turn, results consumed."""
    if example.error or example.output is not None:
        raise ExampleFailure(f"{example}: error= and output blocks are supported for SQL only")
    statements = statements_of(example)
    for number, statement in enumerate(statements, 1):
        text = statement.text.rstrip(";")
        try:
            result = client.run(text) if example.engine == "neo4j" else client.execute(text)
            if example.engine == "neo4j":
                result.consume()
        except Exception as exc:  # the three drivers share no base class
            where = f"{example.source}:{example.line + statement.line - 1}"
            raise ExampleFailure(
                f"{where}: statement {number} of {len(statements)} failed on {example.engine}\n"
                f"  {statement.text}\n  {type(exc).__name__}: {exc}"
            ) from None


def check_parses(example: Example) -> None:
    """The fast first tier: every statement parses with sqlglot in the engine's dialect."""
    import sqlglot
    from sqlglot.errors import ParseError

    dialect = _SQLGLOT_DIALECT[example.engine]
    for statement in statements_of(example):
        try:
            sqlglot.parse(statement.text, read=dialect)
        except ParseError as e:
            first = e.errors[0]["description"] if e.errors else str(e)
            raise ExampleFailure(
                f"{example.source}:{example.line + statement.line - 1}: sqlglot ({dialect}) "
                f"cannot parse\n  {statement.text}\n  {first}"
            ) from None


def _load_everything_as_text(cursor: Any) -> None:
    """Make psycopg return every value as PostgreSQL's text form, as psql shows it."""
    import psycopg
    from psycopg.adapt import Loader

    class AsText(Loader):
        def load(self, data: Any) -> str:
            return bytes(data).decode()

    for info in psycopg.postgres.types:
        for oid in (info.oid, info.array_oid):
            if oid:
                cursor.adapters.register_loader(oid, AsText)


def _is_pg(example: Example) -> bool:
    return example.engine == "postgres"


def _is_void(description: Any) -> bool:
    """A call such as SELECT pg_stat_force_next_flush(): its empty result is not shown."""
    return all(column.type_code == output.VOID_OID for column in description)


def _printed(description: Any, rows: list) -> tuple[str, bool]:
    result = output.Result(
        columns=[column.name for column in description],
        right_aligned=[column.type_code in output.NUMERIC_OIDS for column in description],
        rows=[list(row) for row in rows],
    )
    return result.render(), result.is_plan
