"""Client connections to a `Server`, and the check that it accepts them, through its unit."""

from __future__ import annotations

from typing import Any

from . import Server
from .base import unit


def connect(server: Server, database: str = "", **kwargs: Any) -> Any:
    """A client of the engine's driver: psycopg, PyMySQL, redis-py, pymongo, cassandra, neo4j."""
    return unit(server.engine).connect(server, database, **kwargs)


def ready(server: Server) -> bool:
    """True once the server answers a query (its version is then set); "not yet" is False."""
    engine = unit(server.engine)
    try:
        client = engine.connect(server, **engine.connect_timeout())
    except engine.not_ready_errors():
        return False
    try:
        server.version = engine.probe(client)
        return True
    except engine.not_ready_errors():
        return False
    finally:
        engine.close(client)
