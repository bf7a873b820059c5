"""What examples and claim tests ask for: a database, a connection, a client of their own.

Each is declared, with the engines it needs, in playbooks/fixtures.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from playbooks import engines
from playbooks.engines.postgres import Databases, client_argv
from playbooks.engines.readiness import connect
from playbooks.testing.options import unavailable
from playbooks.testing.summary import SERVERS


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
    """The argv that runs pg_repack of the session server's own version."""
    return client_argv(postgres_server, "pg_repack")


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
    request.config.stash[SERVERS].setdefault(
        "kuzu", engines.Server("kuzu", "", 0, version=kuzu.__version__, origin="in-process")
    )
    return kuzu.Connection(database)
