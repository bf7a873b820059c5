"""Engines as containers, through testcontainers, where a Docker engine answers.

Not exercised on the project's own CI machines (they have no Docker engine); the local-binary
path is. The images match the versions the handbook is verified on.
"""

from __future__ import annotations

import os
import time

from . import _DEFAULT_PORTS, Server
from .readiness import ready

_IMAGES = {
    "postgres": os.environ.get("DBARCH_POSTGRES_IMAGE", "postgis/postgis:15-3.4"),
    "mariadb": os.environ.get("DBARCH_MARIADB_IMAGE", "mariadb:10.11"),
    "redis": os.environ.get("DBARCH_REDIS_IMAGE", "redis:7"),
    "mongodb": os.environ.get("DBARCH_MONGODB_IMAGE", "mongo:7"),
    "cassandra": os.environ.get("DBARCH_CASSANDRA_IMAGE", "cassandra:4.1"),
    "neo4j": os.environ.get("DBARCH_NEO4J_IMAGE", "neo4j:5"),
}
_PORTS = _DEFAULT_PORTS
_PASSWORD = "dbarch"


def unavailable() -> str | None:
    """None when a Docker engine answers, else why not."""
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception as e:  # any failure here just means "no Docker"
        return f"no Docker engine answers ({type(e).__name__})"
    return None


def start(engine: str) -> Server:
    from testcontainers.core.container import DockerContainer

    port = _PORTS[engine]
    container = DockerContainer(_IMAGES[engine]).with_exposed_ports(port)
    user = ""
    if engine == "postgres":
        user = "postgres"
        container = container.with_env("POSTGRES_PASSWORD", _PASSWORD).with_command(
            "postgres -c fsync=off -c shared_preload_libraries=pg_stat_statements"
        )
    elif engine == "mariadb":
        user = "root"
        container = container.with_env("MARIADB_ROOT_PASSWORD", _PASSWORD)
    elif engine == "neo4j":
        container = container.with_env("NEO4J_AUTH", "none")
    elif engine == "cassandra":
        container = container.with_env("MAX_HEAP_SIZE", "512M").with_env("HEAP_NEWSIZE", "128M")
    container.start()
    server = Server(
        engine,
        container.get_container_host_ip(),
        int(container.get_exposed_port(port)),
        user=user,
        password=_PASSWORD if user else "",
        origin="docker",
    )
    server._stop = container.stop
    deadline = time.monotonic() + 240  # Cassandra takes a minute or two
    while not ready(server):
        if time.monotonic() > deadline:
            container.stop()
            raise RuntimeError(f"{engine} container did not become ready")
        time.sleep(0.5)
    if engine == "postgres":
        # The PostGIS image has PGDG's apt source; HypoPG needs no preload, so install it live.
        container.exec(
            ["sh", "-c", "apt-get update -qq && apt-get install -y -qq postgresql-15-hypopg"]
        )
    return server
