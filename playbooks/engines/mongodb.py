"""MongoDB: no Debian package and no image here; a URL or an image a registry offers."""

from __future__ import annotations

from typing import Any

from . import Server
from .base import Engine, register


@register
class MongoDB(Engine):
    name = "mongodb"
    scheme = "mongodb"
    default_port = 27017

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        import pymongo

        return pymongo.MongoClient(server.url(database), **kwargs)

    def connect_timeout(self) -> dict[str, Any]:
        return {"serverSelectionTimeoutMS": 1000}

    def probe(self, client: Any) -> str:
        return client.server_info()["version"]
