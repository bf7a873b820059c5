"""A streaming primary and standby, PgBouncer and two shards, for the scaling chapter and others.

The replica pair and PgBouncer are started once per session, on first use; each test gets
databases (or a schema) of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from playbooks import engines
from playbooks.engines.postgres import Databases
from playbooks.engines.readiness import connect
from playbooks.testing.options import own_server, unavailable
from playbooks.testing.summary import SERVERS


def postgres_pair(
    request: pytest.FixtureRequest, name: str = "replica1"
) -> tuple[engines.Server, engines.Server]:
    """(primary, standby): a small throwaway primary of the session's PostgreSQL version (local
    binaries, or the matrix version's container) and a standby streaming from it as `name`.
    Both are stopped when the requesting fixture's scope ends."""
    from playbooks.engines import replica

    primary = own_server(request.config, "postgres", "a replica needs a primary of its own")
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


@pytest.fixture
def primary_and_replica(primary_url: str, replica_url: str) -> Iterator[tuple[Any, Any]]:
    """(primary, standby): autocommit psycopg connections to this test's schema on each."""
    import psycopg

    with (
        psycopg.connect(primary_url, autocommit=True) as primary,
        psycopg.connect(replica_url, autocommit=True) as standby,
    ):
        yield primary, standby


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
    request.config.stash[SERVERS]["pgbouncer"] = server
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
