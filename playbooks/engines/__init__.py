"""Throwaway database servers for the tests and for `playbook sandbox`.

One unit per engine (postgres.py, mariadb.py, mysql.py, redis.py, mongodb.py, cassandra.py,
neo4j.py) registers itself in `base.REGISTRY`. `start(engine)` returns a running `Server`:

1. a URL in the environment (`DBARCH_POSTGRES_URL`, `DBARCH_MARIADB_URL`, …), else
2. the server binaries on this machine, started in a temp dir on a free port.

`start(engine, version)` starts that version of the matrix in a container instead
(`containers.py`, images from `images.py`). Every server we start has a random password, carried
in `Server.url()`; sockets live in 0700 directories. Servers are stopped by `Server.stop()`, at
interpreter exit, and — if this process is killed — by the kernel (parent-death signal), so no
engine outlives the process that started it.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from .base import REGISTRY, unit


class EngineUnavailable(Exception):
    """No way to get this engine on this machine; the message says why."""


@dataclass
class Server:
    engine: str
    host: str
    port: int
    user: str = ""
    password: str = field(default="", repr=False)  # in url(), never in a repr or a log
    origin: str = "local"  # "env", "container" or "local"
    version: str = ""
    pids: list[int] = field(default_factory=list)
    start_seconds: float = 0.0  # from start to the first answer
    container: str = ""  # the container's ID when origin is "container"
    image: str = ""  # the image's tag when origin is "container"
    product: str = ""  # a proxy speaking the engine's protocol: "pgbouncer", "haproxy"
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    def url(self, database: str = "", hide_password: bool = False) -> str:
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + ("***" if hide_password else quote(self.password, safe=""))
        auth = auth + "@" if auth else ""
        return f"{unit(self.engine).scheme}://{auth}{self.host}:{self.port}/{database}"

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
    unit(server.engine).started(server)
    return server


@atexit.register
def stop_all() -> None:
    for server in list(_running):
        server.stop()


def start(engine: str, version: str = "") -> Server:
    """A server of `engine`: from the environment's URL or local binaries, or — given a version
    of the matrix — in a container."""
    engine_unit = unit(engine)
    if version:
        from . import containers

        return track(containers.start(engine, version))
    url = os.environ.get(f"DBARCH_{engine.upper()}_URL")
    if url:
        return _from_url(engine, url)
    missing = engine_unit.local_missing()
    if missing:
        raise EngineUnavailable(f"{engine}: no DBARCH_{engine.upper()}_URL set; {missing}")
    return track(engine_unit.start_local())


def start_local(engine: str) -> Server:
    """A throwaway server from this machine's binaries, whatever the environment offers."""
    engine_unit = unit(engine)
    missing = engine_unit.local_missing()
    if missing:
        raise EngineUnavailable(f"{engine}: {missing}")
    return track(engine_unit.start_local())


def _from_url(engine: str, url: str) -> Server:
    parts = urlsplit(url)
    if parts.query:  # sslmode=verify-full, say: ignoring it would connect with less than asked
        names = ", ".join(sorted({pair.partition("=")[0] for pair in parts.query.split("&")}))
        raise EngineUnavailable(
            f"DBARCH_{engine.upper()}_URL: parameters after '?' ({names}) are not supported; "
            "the server is reached with the URL's host, port, user and password only"
        )
    return Server(
        engine=engine,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or unit(engine).default_port,
        user=parts.username or "",
        password=parts.password or "",
        origin="env",
    )


# The units register themselves on import; they import Server from here, hence the order.
from . import cassandra, mariadb, mongodb, mysql, neo4j, postgres, redis  # noqa: E402, F401, I001

ENGINES = tuple(REGISTRY)
