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
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from playbooks import engines, output, runner
from playbooks.engines.postgres import Databases
from playbooks.engines.readiness import connect
from playbooks.examples import Collection, Example, collect
from playbooks.replay import exec_python
from playbooks.summary import MEASUREMENTS
from playbooks.summary import REQUIRED as _REQUIRED
from playbooks.summary import SERVERS as _SERVERS
from playbooks.summary import USED as _USED
from playbooks.summary import Summary as _Summary

# What --require-engines accepts: the servers of playbooks.engines, and other run-times the
# suite needs that a machine may lack (PgBouncer in front of PostgreSQL, the site test's browser).
KNOWN_ENGINES = (*engines.ENGINES, "pgbouncer", "kuzu", "chromium", "patroni", "haproxy")
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
    group.addoption(
        "--engine-versions",
        default="",
        metavar="LIST",
        help="engine versions of the matrix to run in containers, one per engine, e.g. "
        "postgres:17,mariadb:11.8,redis:8 (mysql:9.7 serves the MariaDB examples); "
        "engines not named run from local binaries",
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
    config.stash[_VERSIONS] = engine_versions(config.getoption("--engine-versions"))
    config.pluginmanager.register(_EngineUsage(config), "dbarch-engine-usage")
    config.stash[_SERVERS] = {}
    config.addinivalue_line("markers", "dbarch_example: runs one example of the handbook")
    config.pluginmanager.register(_Summary(config), "dbarch-summary")


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

MEMORY_DIR, MEMORY_ROOM = "/dev/shm", 4 << 30


def keep_files_in_memory() -> None:
    """Point TMPDIR, and so every server the suite starts, at a tmpfs when the machine has one
    with room and the user set no TMPDIR (the xdist workers inherit it). The servers are
    throwaway (fsync is off already): cloning the sample database, which each example does,
    took 24 ms there against 130-230 ms on this machine's disk, where the clone's checkpoint
    writes what the examples before it dirtied."""
    if os.environ.get("TMPDIR") or not os.access(MEMORY_DIR, os.W_OK):
        return
    free = os.statvfs(MEMORY_DIR)
    if free.f_bavail * free.f_frsize >= MEMORY_ROOM:
        os.environ["TMPDIR"] = MEMORY_DIR
        tempfile.tempdir = None  # computed again from TMPDIR


def unavailable(config: pytest.Config, engine: str, reason: str) -> None:
    """Skip the test, with the reason, or fail it when the run requires this engine."""
    if engine in config.stash[_REQUIRED]:
        pytest.fail(f"{engine} is required (--require-engines) but unavailable: {reason}", False)
    pytest.skip(f"{engine} unavailable: {reason}")


def record_engine(config: pytest.Config, name: str, version: str) -> None:
    """Name, in the closing summary, a run-time that is no server of ours (the browser)."""
    config.stash[_SERVERS][name] = engines.Server(name, "", 0, version=version)


def record_measurement(config: pytest.Config, key: str, value: float | int | str) -> None:
    """Keep a value a claim test measured for the results file, where a page shows it at
    `<!-- measured: key -->` (a restore's RTO, say)."""
    config.stash.setdefault(MEASUREMENTS, {})[key] = value


_VERSIONS = pytest.StashKey[dict]()
# The engines a server fixture may be served by: MySQL runs every MariaDB example.
_SERVED_BY = {"mysql": "mariadb"}


def engine_versions(option: str) -> dict[str, tuple[str, str]]:
    """`postgres:17,mysql:9.7` → {"postgres": ("postgres", "17"), "mariadb": ("mysql", "9.7")}:
    for each server fixture, the engine and version of the matrix that serves it."""
    from playbooks.engines import images

    chosen: dict[str, tuple[str, str]] = {}
    for item in filter(None, option.replace(" ", ",").split(",")):
        engine, _, version = item.partition(":")
        try:
            images.image(engine, version)
        except ValueError as e:
            raise pytest.UsageError(f"--engine-versions: {e}") from None
        fixture = _SERVED_BY.get(engine, engine)
        if fixture in chosen:
            raise pytest.UsageError(
                f"--engine-versions: {item} and {':'.join(chosen[fixture])} both serve {fixture}: "
                "one version per engine per run (make test-matrix runs each)"
            )
        chosen[fixture] = (engine, version)
    return chosen


def _server(request: pytest.FixtureRequest, engine: str) -> engines.Server:
    engine, version = request.config.stash[_VERSIONS].get(engine, (engine, ""))
    try:
        server = engines.start(engine, version)
    except engines.EngineUnavailable as e:
        unavailable(request.config, engine, str(e))
    request.addfinalizer(server.stop)
    request.config.stash[_SERVERS][engine] = server
    return server


class _EngineUsage:
    """Per engine server (engine, version, origin): the tests that ran on it, failed, or were
    skipped for want of it.

    Works under xdist too: what a test used travels with its teardown report (a user property).
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.outcome: dict[str, str] = {}  # test id → its outcome, until its teardown report
        self.counts: dict[tuple[str, str, str], Counter[str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # What a test used is known at teardown only (it may ask for fixtures as it runs).
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.outcome[report.nodeid] = report.outcome
            reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
            found = re.match(r"Skipped: (\w+) unavailable", reason)
            if report.skipped and found:
                self.counts.setdefault((found[1], "", "unavailable"), Counter())["skipped"] += 1
                self.outcome.pop(report.nodeid)
        elif report.when == "teardown" and report.nodeid in self.outcome:
            outcome = self.outcome.pop(report.nodeid)
            for served in dict(report.user_properties).get(_USED, []):
                self.counts.setdefault(tuple(served), Counter())[outcome] += 1

    def results(self) -> list[dict[str, Any]]:
        rows = []
        for engine, version, origin in sorted(self.counts):
            counts = self.counts[engine, version, origin]
            executed = counts["passed"] + counts["failed"]
            rows.append(
                {"engine": engine, "version": version, "origin": origin, "executed": executed}
                | {"failed": counts["failed"], "skipped": counts["skipped"]}
            )
        return rows

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        rows = self.results()
        if not rows:
            return
        terminalreporter.section("tests per engine version")
        for r in rows:
            terminalreporter.write_line(
                f"{r['engine']} {r['version'] or '-'} ({r['origin']}): {r['executed']} executed"
                f" ({r['failed']} failed), {r['skipped']} skipped"
            )
        path = os.environ.get("DBARCH_ENGINE_RESULTS")
        if path:
            with open(path, "w") as f:
                json.dump(rows, f, indent=1)


@pytest.fixture(autouse=True)
def _engine_usage(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: the engine servers it used, on its report (for the per-version counts):
    the session's servers and any server a fixture of its own started (a replica pair)."""
    yield
    used = set()
    for value in getattr(request.node, "funcargs", {}).values():
        for server in value if isinstance(value, tuple) else (value,):
            if isinstance(server, engines.Server) and server.origin != "unavailable":
                used.add((server.product or server.engine, server.version, server.origin))
    servers = request.config.stash[_SERVERS]
    for name in request.fixturenames:
        fixture = name.removesuffix("_server")
        if name.endswith("_server") and fixture in engines.ENGINES:
            engine = request.config.stash[_VERSIONS].get(fixture, (fixture, ""))[0]
            if engine in servers:
                used.add((engine, servers[engine].version, servers[engine].origin))
    request.node.user_properties.append((_USED, sorted(used)))


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


@pytest.fixture(scope="session")
def pg_repack(postgres_server: engines.Server) -> list[str]:
    """The argv that runs pg_repack of the server's own version: a client of another version
    refuses to work ("program 'pg_repack 1.4.8' does not match database library …"). Debian
    installs it beside the server's programs, outside PATH; a container's runs in it."""
    import shutil

    major = postgres_server.version.split(".")[0]
    program = f"/usr/lib/postgresql/{major}/bin/pg_repack"
    if postgres_server.origin == "container":
        from playbooks.engines import containers

        return [*containers.exec_argv(postgres_server, env=("PGPASSWORD",)), program]
    return [program if Path(program).exists() else shutil.which("pg_repack") or program]


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
# The executor (playbooks.runner) knows nothing of pytest; here an ExampleFailure fails the test.


def check_parses(example: Example) -> None:
    """The fast first tier: every statement parses with sqlglot in the engine's dialect."""
    try:
        runner.check_parses(example)
    except runner.ExampleFailure as failure:
        pytest.fail(str(failure), False)


@pytest.fixture
def run_example(request: pytest.FixtureRequest) -> Callable[[Example], None]:
    def run(example: Example) -> None:
        try:
            _run(request, example)
        except runner.ExampleFailure as failure:
            pytest.fail(str(failure), False)

    return run


def _run(request: pytest.FixtureRequest, example: Example) -> None:
    if example.lang == "python":
        names = {n: request.getfixturevalue(n) for n in example.fixtures}
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec_python(example.code, request.config.rootpath / example.source, names)
        if example.output is not None:
            problem = output.printed_differences(example.output, printed.getvalue())
            if problem:
                raise runner.ExampleFailure(
                    f"{example.output_at}: the output shown for {example} {problem}"
                )
    elif example.engine == "postgres":
        connection = request.getfixturevalue("new_pg_db")(example.data)
        by_source = {e.source: e for e in collection(request.config).examples}
        for path in example.after:
            if f"snippets/{path}" not in by_source:
                raise runner.ExampleFailure(f"{example}: after={path}: no such snippet example")
            runner.run_sql(replace(by_source[f"snippets/{path}"], output=None), connection)
        runner.run_sql(example, connection)
    elif example.engine in _STATEMENT_CLIENTS:
        client = request.getfixturevalue(_STATEMENT_CLIENTS[example.engine])
        runner.run_statements(example, client)
    else:
        runner.run_sql(example, request.getfixturevalue("mariadb_conn"))


# --- Phase 5 (Scaling): a streaming replica, PgBouncer, shards -------------------------------
# Added for docs/phases/scaling.md and tests/test_claims_scaling.py. The replica pair and
# PgBouncer are started once per session, on first use; each test gets databases of its own.


def postgres_pair(
    request: pytest.FixtureRequest, name: str = "replica1"
) -> tuple[engines.Server, engines.Server]:
    """(primary, standby): a small throwaway primary of the session's PostgreSQL version (local
    binaries, or the matrix version's container) and a standby streaming from it as `name`.
    Both are stopped when the requesting fixture's scope ends."""
    from playbooks.engines import replica

    engine, version = request.config.stash[_VERSIONS].get("postgres", ("postgres", ""))
    try:
        primary = engines.start(engine, version) if version else engines.start_local(engine)
    except engines.EngineUnavailable as e:
        unavailable(request.config, "postgres", f"a replica needs a primary of its own: {e}")
    request.addfinalizer(primary.stop)
    try:
        standby = replica.start(primary, name)
    except engines.EngineUnavailable as e:
        unavailable(request.config, "postgres", str(e))
    request.addfinalizer(standby.stop)  # finalizers run last-in first-out: standby first
    return primary, standby


@pytest.fixture(scope="session")
def replication(request: pytest.FixtureRequest) -> tuple[engines.Server, engines.Server]:
    """A primary and its streaming standby, shared by the session.

    The primary is not the session's `postgres_server`: that one holds every template and
    example database, and a base backup of it would copy all of them.
    """
    return postgres_pair(request)


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
