"""Neo4j: no Debian package and no image here; a URL or an image a registry offers."""

from __future__ import annotations

from typing import Any

from . import Server
from .base import Engine, register


@register
class Neo4j(Engine):
    name = "neo4j"
    scheme = "bolt"
    default_port = 7687
    start_timeout = 120

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        import neo4j

        auth = (server.user, server.password) if server.password else None
        return neo4j.GraphDatabase.driver(
            f"bolt://{server.host}:{server.port}", auth=auth, **kwargs
        )

    def connect_timeout(self) -> dict[str, Any]:
        return {"connection_timeout": 1}

    def probe(self, client: Any) -> str:
        client.verify_connectivity()
        return client.get_server_info().agent
