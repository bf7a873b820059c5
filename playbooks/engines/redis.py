"""Redis: local binaries (Debian 12's 7.0) or one of the matrix's images."""

from __future__ import annotations

import base64
import signal
from typing import Any

from . import Server, _local
from ._process import free_port, make_workdir, new_password, service_user, write_private
from .base import Engine, register


def _config(port: int, workdir: str, password: str) -> str:
    # The password is in a file only the server's user reads, never on the command line.
    return (
        f"port {port}\nbind 127.0.0.1\nrequirepass {password}\n"
        f'save ""\nappendonly no\ndir {workdir}\ndaemonize no\n'
    )


@register
class Redis(Engine):
    name = "redis"
    scheme = "redis"
    default_port = 6379

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        import redis

        return redis.Redis(
            host=server.host,
            port=server.port,
            password=server.password or None,
            decode_responses=True,
            **kwargs,
        )

    def probe(self, client: Any) -> str:
        client.ping()
        return client.info("server")["redis_version"]

    def connect_timeout(self) -> dict[str, Any]:
        return {"socket_connect_timeout": 1}

    def not_ready_errors(self) -> tuple[type[BaseException], ...]:
        import redis

        return (redis.ConnectionError, redis.BusyLoadingError)

    def local_missing(self) -> str | None:
        return (
            None if _local._which("redis-server") else "no local redis (redis-server not on PATH)"
        )

    def start_local(self) -> Server:
        user = service_user("redis")  # as root, the server runs as `redis`
        work = make_workdir("redis", user)
        port = free_port()
        password = new_password()
        write_private(work / "redis.conf", _config(port, str(work), password), user)
        argv = [str(_local._which("redis-server")), str(work / "redis.conf")]
        server = Server("redis", "127.0.0.1", port, password=password)
        return _local._launch(server, argv, user, work, signal.SIGKILL)

    def container_command(self, port: int) -> tuple[str, list[str]]:
        return "redis", ["sh", "-c", container_config(port) + "exec redis-server redis.conf"]


CONTAINER_DIR = "/tmp/redis"


def container_config(port: int, extra: str = "") -> str:
    """Shell commands that write the configuration of a Redis in a container to
    CONTAINER_DIR/redis.conf, `extra` lines appended, and leave the shell in that directory; the
    password comes from $DBARCH_PASSWORD, which they unset."""
    config = _config(port, CONTAINER_DIR, "%s").replace("\n", "\\n")
    script = (
        f"set -e; umask 077; mkdir {CONTAINER_DIR}; cd {CONTAINER_DIR}; "
        f"printf '{config}' \"$DBARCH_PASSWORD\" > redis.conf; unset DBARCH_PASSWORD; "
    )
    if extra:  # in base64: a configuration line may hold any character
        script += f"echo {base64.b64encode(extra.encode()).decode()} | base64 -d >> redis.conf; "
    return script
