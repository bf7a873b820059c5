"""Throwaway database servers for the tests and for `playbook sandbox`.

`start(engine)` returns a running `Server`, found in this order:

1. a URL in the environment (`DBARCH_POSTGRES_URL`, `DBARCH_MARIADB_URL`, `DBARCH_REDIS_URL`);
2. a container, when a Docker engine answers (testcontainers);
3. the server binaries on this machine, started in a temp dir on a free port.

It raises `EngineUnavailable`, with every reason, when none of these works. Servers started here
are stopped by `Server.stop()`, at interpreter exit, and — if this process is killed — by the
kernel (parent-death signal), so no engine outlives the process that started it.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

ENGINES = ("postgres", "mariadb", "redis", "mongodb", "cassandra", "neo4j")
# No Debian 12 package and no PyPI build of these servers: a URL or a Docker engine, or nothing.
DOCKER_ONLY = ("mongodb", "cassandra", "neo4j")
_DEFAULT_PORTS = {
    "postgres": 5432,
    "mariadb": 3306,
    "redis": 6379,
    "mongodb": 27017,
    "cassandra": 9042,
    "neo4j": 7687,
}
_SCHEMES = {
    "postgres": "postgresql",
    "mariadb": "mysql",
    "redis": "redis",
    "mongodb": "mongodb",
    "cassandra": "cassandra",
    "neo4j": "bolt",
}


class EngineUnavailable(Exception):
    """No way to get this engine on this machine; the message says why."""


@dataclass
class Server:
    engine: str
    host: str
    port: int
    user: str = ""
    password: str = ""
    origin: str = "local"  # "env", "docker" or "local"
    version: str = ""
    pids: list[int] = field(default_factory=list)
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    def url(self, database: str = "", hide_password: bool = False) -> str:
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + ("***" if hide_password else quote(self.password, safe=""))
        auth = auth + "@" if auth else ""
        return f"{_SCHEMES[self.engine]}://{auth}{self.host}:{self.port}/{database}"

    def stop(self) -> None:
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()
            if self in _running:
                _running.remove(self)


_running: list[Server] = []


def track(server: Server) -> Server:
    """Have `server` stopped at interpreter exit, if nobody stops it before."""
    _running.append(server)
    return server


@atexit.register
def stop_all() -> None:
    for server in list(_running):
        server.stop()


def start(engine: str) -> Server:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    from . import _docker, _local

    url = os.environ.get(f"DBARCH_{engine.upper()}_URL")
    if url:
        return _from_url(engine, url)
    reasons = []
    docker_problem = _docker.unavailable()
    if docker_problem is None:
        server = _docker.start(engine)
    else:
        reasons.append(docker_problem)
        missing = (
            "no server binaries for it on this machine (Debian 12 does not package it)"
            if engine in DOCKER_ONLY
            else _local.missing(engine)
        )
        if missing:
            reasons.append(missing)
            raise EngineUnavailable(
                f"{engine}: no DBARCH_{engine.upper()}_URL set; " + "; ".join(reasons)
            )
        server = _local.start(engine)
    return track(server)


def start_local(engine: str) -> Server:
    """A throwaway server from this machine's binaries, whatever the environment offers."""
    from . import _local

    missing = _local.missing(engine)
    if missing:
        raise EngineUnavailable(f"{engine}: {missing}")
    return track(_local.start(engine))


def _from_url(engine: str, url: str) -> Server:
    parts = urlsplit(url)
    return Server(
        engine=engine,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or _DEFAULT_PORTS[engine],
        user=parts.username or "",
        password=parts.password or "",
        origin="env",
    )
