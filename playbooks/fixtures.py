"""The engines each fixture of the pytest plugin (playbooks.testing) needs, declared.

The site hook reads this to say on each chapter which engines its Python examples run on; it
needs neither pytest nor the drivers, and does not parse the plugin's source.
tests/test_site.py checks this table against the fixtures themselves: every fixture of the
plugin is here, with exactly the engines of the server fixtures it asks for (directly or through
other fixtures), plus those it starts itself (OWN_ENGINES).
"""

from __future__ import annotations

from .engines import ENGINES

# `<engine>_server` fixtures: one server per engine per session (pgbouncer: in front of postgres).
SERVER_FIXTURES = {f"{engine}_server": engine for engine in (*ENGINES, "pgbouncer")}
# Fixtures that start an engine without asking for its server fixture.
OWN_ENGINES = {"kuzu_conn": {"kuzu"}, "replication": {"postgres"}}

_PG = frozenset({"postgres"})
FIXTURE_ENGINES: dict[str, frozenset[str]] = {
    **{name: frozenset({engine}) for name, engine in SERVER_FIXTURES.items()},
    "pgbouncer_server": frozenset({"pgbouncer", "postgres"}),
    "pg_databases": _PG,
    "new_pg_db": _PG,
    "pg_url": _PG,
    "conn": _PG,
    "pg_repack": _PG,
    "shard_urls": _PG,
    "replication": _PG,
    "_replicated_db": _PG,
    "_replicated_schema": _PG,
    "primary_url": _PG,
    "replica_url": _PG,
    "primary_and_replica": _PG,
    "pgbouncer_url": frozenset({"pgbouncer", "postgres"}),
    "mariadb_conn": frozenset({"mariadb"}),
    "redis_client": frozenset({"redis"}),
    "mongo_db": frozenset({"mongodb"}),
    "cassandra_session": frozenset({"cassandra"}),
    "neo4j_session": frozenset({"neo4j"}),
    "kuzu_conn": frozenset({"kuzu"}),
    # no engine: the collection, the runner's wrapper, the per-engine bookkeeping
    "examples_collection": frozenset(),
    "run_example": frozenset(),
    "_engine_usage": frozenset(),
}


def engines_of(fixture: str) -> frozenset[str]:
    """The engines a fixture needs; none for a fixture that is not the plugin's (tmp_path …)."""
    return FIXTURE_ENGINES.get(fixture, frozenset())
