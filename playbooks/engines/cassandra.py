"""Cassandra: no Debian package and no image here; a URL or an image a registry offers."""

from __future__ import annotations

from typing import Any

from . import Server
from .base import Engine, register


@register
class Cassandra(Engine):
    name = "cassandra"
    scheme = "cassandra"
    default_port = 9042
    start_timeout = 240  # a JVM and a gossip round: a minute or two

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        from cassandra.auth import PlainTextAuthProvider
        from cassandra.cluster import Cluster

        auth = PlainTextAuthProvider(server.user, server.password) if server.password else None
        cluster = Cluster([server.host], port=server.port, auth_provider=auth, **kwargs)
        return cluster.connect(database or None)

    def connect_timeout(self) -> dict[str, Any]:
        return {"connect_timeout": 1}

    def probe(self, client: Any) -> str:
        return client.execute("SELECT release_version FROM system.local").one()[0]

    def close(self, client: Any) -> None:
        client.cluster.shutdown()
