"""The pytest plugin that runs every example of the handbook on real engines.

Loaded by the root conftest.py. It provides:

* `--require-engines=postgres,mariadb,redis`: a missing engine fails instead of skipping;
* one server per engine per session, and the fixtures examples use: `conn` (psycopg, autocommit,
  a fresh database with the sample data), `pg_url`, `new_pg_db(data)`, `mariadb_conn`,
  `redis_client`;
* the `example` / `sql_example` parameters (every runnable example under the project root) and
  `run_example`, which runs one with a failure message that names file, line, statement and error;
* a closing summary: how many examples ran, failed and were skipped, and why.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from playbooks import engines, output
from playbooks.engines.postgres import Databases
from playbooks.engines.readiness import connect
from playbooks.examples import Collection, Example, collect
from playbooks.replay import exec_python
from playbooks.sql import split_statements

# What --require-engines accepts: the servers of playbooks.engines, and other run-times the
# suite needs that a machine may lack (PgBouncer in front of PostgreSQL, the site test's browser).
KNOWN_ENGINES = (*engines.ENGINES, "pgbouncer", "kuzu", "chromium")
_SQLGLOT_DIALECT = {"postgres": "postgres", "mariadb": "mysql"}
# Fixtures that hand the runner a client for an engine whose statements it sends one by one.
_STATEMENT_CLIENTS = {
    "kuzu": "kuzu_conn",
    "neo4j": "neo4j_session",
    "cassandra": "cassandra_session",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dbarch")
    group.addoption(
        "--require-engines",
        default="",
        metavar="LIST",
        help=f"comma-separated engines ({', '.join(KNOWN_ENGINES)}) that must be available: "
        "an example needing one that cannot be started fails instead of being skipped",
    )


def pytest_configure(config: pytest.Config) -> None:
    required = {e for e in config.getoption("--require-engines").split(",") if e}
    unknown = required - set(KNOWN_ENGINES)
    if unknown:
        raise pytest.UsageError(
            f"--require-engines: unknown engine(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(KNOWN_ENGINES)}"
        )
    config.stash[_REQUIRED] = required
    config.stash[_SERVERS] = {}
    config.addinivalue_line("markers", "dbarch_example: runs one example of the handbook")
    config.pluginmanager.register(_Summary(config), "dbarch-summary")


_REQUIRED = pytest.StashKey[set]()
_SERVERS = pytest.StashKey[dict]()
_COLLECTION = pytest.StashKey[Collection]()


def collection(config: pytest.Config) -> Collection:
    if _COLLECTION not in config.stash:
        config.stash[_COLLECTION] = collect(config.rootpath)
    return config.stash[_COLLECTION]


@pytest.fixture(scope="session")
def examples_collection(pytestconfig: pytest.Config) -> Collection:
    return collection(pytestconfig)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    found = collection(metafunc.config).examples
    if "example" in metafunc.fixturenames:
        metafunc.parametrize("example", found, ids=str)
    if "sql_example" in metafunc.fixturenames:
        sql = [e for e in found if e.lang == "sql"]
        metafunc.parametrize("sql_example", sql, ids=str)


# --- engines ---------------------------------------------------------------------------------


def unavailable(config: pytest.Config, engine: str, reason: str) -> None:
    """Skip the test, with the reason, or fail it when the run requires this engine."""
    if engine in config.stash[_REQUIRED]:
        pytest.fail(f"{engine} is required (--require-engines) but unavailable: {reason}", False)
    pytest.skip(f"{engine} unavailable: {reason}")


def record_engine(config: pytest.Config, name: str, version: str) -> None:
    """Name, in the closing summary, a run-time that is no server of ours (the browser)."""
    config.stash[_SERVERS][name] = engines.Server(name, "", 0, version=version)


def _server(request: pytest.FixtureRequest, engine: str) -> engines.Server:
    try:
        server = engines.start(engine)
    except engines.EngineUnavailable as e:
        unavailable(request.config, engine, str(e))
    request.addfinalizer(server.stop)
    request.config.stash[_SERVERS][engine] = server
    return server


def _server_fixture(engine: str) -> Any:
    @pytest.fixture(scope="session", name=f"{engine}_server")
    def server(request: pytest.FixtureRequest) -> engines.Server:
        return _server(request, engine)

    return server


# postgres_server, mariadb_server, redis_server, mongodb_server, cassandra_server, neo4j_server
for _engine in engines.ENGINES:
    globals()[f"{_engine}_server"] = _server_fixture(_engine)


@pytest.fixture(scope="session")
def pg_databases(postgres_server: engines.Server) -> Iterator[Databases]:
    databases = Databases(postgres_server)
    yield databases
    if postgres_server.origin != "local":  # a local server is thrown away whole
        databases.close()


@pytest.fixture
def new_pg_db(pg_databases: Databases) -> Iterator[Callable[..., Any]]:
    """`new_pg_db(data="sample")` → an autocommit psycopg connection to a database of its own."""
    opened: list[tuple[Any, str]] = []

    def make(data: str = "sample") -> Any:
        name = pg_databases.create(data)
        conn = connect(pg_databases.server, name, autocommit=True)
        opened.append((conn, name))
        return conn

    yield make
    for conn, name in opened:
        conn.close()
        pg_databases.drop(name)


@pytest.fixture
def pg_url(pg_databases: Databases) -> Iterator[str]:
    """The URL of a fresh database holding the sample data."""
    name = pg_databases.create("sample")
    yield pg_databases.server.url(name)
    pg_databases.drop(name)


@pytest.fixture
def conn(pg_url: str) -> Iterator[Any]:
    """A psycopg connection (autocommit) to a fresh database holding the sample data."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def mariadb_conn(mariadb_server: engines.Server) -> Iterator[Any]:
    """A PyMySQL connection (autocommit) to a fresh, empty MariaDB database."""
    name = f"dbarch_ex_{next(_database_counter)}"
    with connect(mariadb_server) as admin, admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    connection = connect(mariadb_server, name)
    yield connection
    connection.close()
    with connect(mariadb_server) as admin, admin.cursor() as cur:
        cur.execute(f"DROP DATABASE {name}")


_database_counter = iter(range(1, 1_000_000))


@pytest.fixture
def redis_client(redis_server: engines.Server) -> Iterator[Any]:
    """A redis-py client (decoded strings) to an emptied Redis."""
    client = connect(redis_server)
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def mongo_db(mongodb_server: engines.Server) -> Iterator[Any]:
    """A pymongo Database of its own, dropped afterwards."""
    client = connect(mongodb_server)
    name = f"dbarch_ex_{next(_database_counter)}"
    yield client[name]
    client.drop_database(name)
    client.close()


@pytest.fixture
def cassandra_session(cassandra_server: engines.Server) -> Iterator[Any]:
    """A Cassandra session whose keyspace (replication factor 1) is its own."""
    session = connect(cassandra_server)
    keyspace = f"dbarch_ex_{next(_database_counter)}"
    session.execute(
        f"CREATE KEYSPACE {keyspace} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )
    session.set_keyspace(keyspace)
    yield session
    session.execute(f"DROP KEYSPACE {keyspace}")
    session.cluster.shutdown()


@pytest.fixture
def neo4j_session(neo4j_server: engines.Server) -> Iterator[Any]:
    """A Neo4j session on an emptied graph."""
    driver = connect(neo4j_server)
    with driver.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
        yield session
    driver.close()


@pytest.fixture
def kuzu_conn(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    """A Kuzu connection to a new, empty graph database in a temp dir (Kuzu runs in-process)."""
    try:
        import kuzu
    except ImportError:
        unavailable(request.config, "kuzu", "the kuzu package is not installed (pip install kuzu)")
    database = kuzu.Database(str(tmp_path / "graph"))
    request.config.stash[_SERVERS].setdefault(
        "kuzu", engines.Server("kuzu", "", 0, version=kuzu.__version__, origin="in-process")
    )
    return kuzu.Connection(database)


# --- running examples ------------------------------------------------------------------------


def _error_name(engine: str, exc: BaseException) -> set[str]:
    if engine == "postgres":
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()
        return {getattr(exc, "sqlstate", "") or "", snake}
    return {str(exc.args[0])} if exc.args else set()


def _describe(engine: str, exc: BaseException) -> str:
    if engine == "postgres":
        names = sorted(n for n in _error_name(engine, exc) if n)
        return f"ERROR {' / '.join(names)}: {str(exc).strip()}"
    return f"ERROR {exc.args[0]}: {exc.args[1] if len(exc.args) > 1 else exc}"


def run_sql(example: Example, connection: Any) -> None:
    """Run the example statement by statement; the last one may be expected to fail.

    When the page shows the example's output, what the engine printed must match it.
    """
    statements = split_statements(example.code)
    if not statements:
        pytest.fail(f"{example}: the example holds no SQL statement", False)
    cursor = connection.cursor()
    if example.output is not None:
        _load_everything_as_text(cursor)
    printed: list[tuple[str, bool]] = []
    for number, statement in enumerate(statements, 1):
        where = f"{example.source}:{example.line + statement.line - 1}"
        expected = example.error if number == len(statements) else None
        try:
            cursor.execute(statement.text)
            if cursor.description:
                rows = cursor.fetchall()
                if example.output is not None and not _is_void(cursor.description):
                    printed.append(_printed(cursor.description, rows))
            continue
        except Exception as exc:
            if not _is_engine_error(example.engine, exc):
                raise
            if expected and expected in _error_name(example.engine, exc):
                printed.append((output.error_text(exc), False))
                break
            error = _describe(example.engine, exc)
        note = f" (expected {expected})" if expected else ""
        pytest.fail(
            f"{where}: statement {number} of {len(statements)} failed on {example.engine}"
            f"{note}\n  {statement.text}\n  {error}",
            False,
        )
    else:
        if example.error:
            pytest.fail(
                f"{example}: the last statement should fail with {example.error}, but it "
                f"succeeded\n  {statements[-1].text}",
                False,
            )
    if example.output is not None:
        problem = output.differences(example.output, printed)
        if problem:
            pytest.fail(f"{example.output_at}: the output shown for {example} {problem}", False)


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


def _is_engine_error(engine: str, exc: BaseException) -> bool:
    if engine == "postgres":
        import psycopg

        return isinstance(exc, psycopg.Error)
    import pymysql

    return isinstance(exc, pymysql.err.MySQLError)


def check_parses(example: Example) -> None:
    """The fast first tier: every statement parses with sqlglot in the engine's dialect."""
    import sqlglot
    from sqlglot.errors import ParseError

    dialect = _SQLGLOT_DIALECT[example.engine]
    for statement in split_statements(example.code):
        try:
            sqlglot.parse(statement.text, read=dialect)
        except ParseError as e:
            first = e.errors[0]["description"] if e.errors else str(e)
            pytest.fail(
                f"{example.source}:{example.line + statement.line - 1}: sqlglot ({dialect}) "
                f"cannot parse\n  {statement.text}\n  {first}",
                False,
            )


@pytest.fixture
def run_example(request: pytest.FixtureRequest) -> Callable[[Example], None]:
    def run(example: Example) -> None:
        if example.lang == "python":
            names = {n: request.getfixturevalue(n) for n in example.fixtures}
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec_python(example.code, request.config.rootpath / example.source, names)
            if example.output is not None:
                problem = output.printed_differences(example.output, printed.getvalue())
                if problem:
                    pytest.fail(
                        f"{example.output_at}: the output shown for {example} {problem}", False
                    )
        elif example.engine == "postgres":
            connection = request.getfixturevalue("new_pg_db")(example.data)
            by_source = {e.source: e for e in collection(request.config).examples}
            for path in example.after:
                if f"snippets/{path}" not in by_source:
                    pytest.fail(f"{example}: after={path}: no such snippet example", False)
                run_sql(replace(by_source[f"snippets/{path}"], output=None), connection)
            run_sql(example, connection)
        elif example.engine in _STATEMENT_CLIENTS:
            client = request.getfixturevalue(_STATEMENT_CLIENTS[example.engine])
            run_statements(example, client)
        else:
            run_sql(example, request.getfixturevalue("mariadb_conn"))

    return run


def run_statements(example: Example, client: Any) -> None:
    """Cypher (Kuzu, Neo4j) and CQL (Cassandra): each statement in turn, results consumed."""
    if example.error or example.output is not None:
        pytest.fail(f"{example}: error= and output blocks are supported for SQL only", False)
    statements = split_statements(example.code, "//" if example.lang == "cypher" else "--")
    for number, statement in enumerate(statements, 1):
        text = statement.text.rstrip(";")
        try:
            result = client.run(text) if example.engine == "neo4j" else client.execute(text)
            if example.engine == "neo4j":
                result.consume()
        except Exception as exc:  # the three drivers share no base class
            where = f"{example.source}:{example.line + statement.line - 1}"
            pytest.fail(
                f"{where}: statement {number} of {len(statements)} failed on {example.engine}\n"
                f"  {statement.text}\n  {type(exc).__name__}: {exc}",
                False,
            )


# --- the closing summary ---------------------------------------------------------------------


_KIND_LABELS = {"sql": "SQL", "cypher": "Cypher", "cql": "CQL", "python": "Python"}


class _Summary:
    """Counts the examples' outcomes and prints them, with skip reasons and engine versions."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.kinds: dict[str, str] = {}  # nodeid → "SQL", "Cypher", "CQL" or "Python"
        self.outcomes: dict[str, tuple[str, str]] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            if type(item).__name__ == "MarkdownInlinePythonItem":
                self.kinds[item.nodeid] = "Python"
            elif "example" in getattr(item, "fixturenames", ()):
                lang = item.callspec.params["example"].lang
                self.kinds[item.nodeid] = _KIND_LABELS[lang]
            else:
                continue
            item.add_marker("dbarch_example")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid not in self.kinds:
            return
        if report.skipped:
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            self.outcomes[report.nodeid] = ("skipped", reason.removeprefix("Skipped: "))
        elif report.failed:
            self.outcomes[report.nodeid] = ("failed", "")
        elif report.when == "call":
            self.outcomes.setdefault(report.nodeid, ("passed", ""))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.outcomes:
            return
        tr = terminalreporter
        tr.section("dbarch examples")
        for kind in dict.fromkeys(_KIND_LABELS.values()):
            states = Counter(s for n, (s, _) in self.outcomes.items() if self.kinds[n] == kind)
            if not states:
                continue
            tr.write_line(
                f"{kind} examples: {states['passed']} executed and passed, "
                f"{states['failed']} failed, {states['skipped']} skipped"
            )
        reasons = Counter(r for s, r in self.outcomes.values() if s == "skipped")
        for reason, n in reasons.most_common():
            tr.write_line(f"  skipped {n}: {reason}")
        servers = self.config.stash[_SERVERS]
        for engine, server in sorted(servers.items()):
            tr.write_line(f"engine {engine}: {server.version} ({server.origin})")
        unused = self.config.stash[_REQUIRED] - set(servers)
        if unused:
            tr.write_line(f"required but not started in this run: {', '.join(sorted(unused))}")


# --- Phase 5 (Scaling): a streaming replica, PgBouncer, shards -------------------------------
# Added for docs/phases/scaling.md and tests/test_claims_scaling.py. The replica pair and
# PgBouncer are started once per session, on first use; each test gets databases of its own.


@pytest.fixture(scope="session")
def replication(request: pytest.FixtureRequest) -> tuple[engines.Server, engines.Server]:
    """(primary, standby): a small local throwaway primary of its own and a streaming standby.

    The primary is not the session's `postgres_server`: that one holds every template and
    example database, and a base backup of it would copy all of them.
    """
    from playbooks.engines import replica

    try:
        primary = engines.start_local("postgres")
    except engines.EngineUnavailable as e:
        unavailable(request.config, "postgres", f"a replica needs local binaries: {e}")
    request.addfinalizer(primary.stop)
    try:
        standby = replica.start(primary)
    except engines.EngineUnavailable as e:
        unavailable(request.config, "postgres", str(e))
    request.addfinalizer(standby.stop)  # finalizers run last-in first-out: standby first
    return primary, standby


_replicated_counter = iter(range(1, 1_000_000))


@pytest.fixture(scope="session")
def _replicated_db(replication: tuple[engines.Server, engines.Server]) -> str:
    """One database on the replica pair; each test gets a schema of its own in it."""
    from playbooks.engines.replica import wait_replayed

    primary, standby = replication
    with connect(primary, autocommit=True) as admin, connect(standby, autocommit=True) as reader:
        admin.execute("CREATE DATABASE dbarch_replicated")
        wait_replayed(admin, reader)
    return "dbarch_replicated"


@pytest.fixture
def _replicated_schema(
    replication: tuple[engines.Server, engines.Server], _replicated_db: str
) -> Iterator[str]:
    from playbooks.engines.replica import wait_replayed

    primary, standby = replication
    schema = f"example_{next(_replicated_counter)}"
    with connect(primary, _replicated_db, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        with connect(standby, _replicated_db, autocommit=True) as reader:
            wait_replayed(conn, reader)
    yield schema
    with connect(primary, _replicated_db, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _in_schema(url: str, schema: str) -> str:
    return f"{url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def primary_url(
    replication: tuple[engines.Server, engines.Server], _replicated_db: str, _replicated_schema: str
) -> str:
    """The URL of an empty schema (the search_path) on the primary of a streaming replica pair."""
    return _in_schema(replication[0].url(_replicated_db), _replicated_schema)


@pytest.fixture
def replica_url(
    replication: tuple[engines.Server, engines.Server], _replicated_db: str, _replicated_schema: str
) -> str:
    """The URL of the same schema on the standby (read-only)."""
    return _in_schema(replication[1].url(_replicated_db), _replicated_schema)


@pytest.fixture(scope="session")
def pgbouncer_server(
    request: pytest.FixtureRequest, postgres_server: engines.Server
) -> engines.Server:
    """PgBouncer started from snippets/pgbouncer/pgbouncer.ini, pooling `postgres_server`."""
    from playbooks import paths
    from playbooks.engines import pgbouncer

    try:
        server = pgbouncer.start(paths.SNIPPETS / "pgbouncer/pgbouncer.ini", postgres_server)
    except engines.EngineUnavailable as e:
        unavailable(request.config, "pgbouncer", str(e))
    request.addfinalizer(server.stop)
    request.config.stash[_SERVERS]["pgbouncer"] = server
    return server


@pytest.fixture
def pgbouncer_url(pgbouncer_server: engines.Server, pg_databases: Databases) -> Iterator[str]:
    """The URL, through PgBouncer, of a fresh database holding the sample data."""
    name = pg_databases.create("sample")
    yield pgbouncer_server.url(name)
    pg_databases.drop(name)  # WITH (FORCE) also ends PgBouncer's server connections


@pytest.fixture
def shard_urls(pg_databases: Databases) -> Iterator[list[str]]:
    """The URLs of two fresh databases (extensions only) that play two shards."""
    names = [pg_databases.create("none") for _ in range(2)]
    yield [pg_databases.server.url(name) for name in names]
    for name in names:
        pg_databases.drop(name)
