"""Redis: local binaries (Debian 12's 7.0) or one of the matrix's images."""

from __future__ import annotations

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
        config = _config(port, "/tmp/redis", "%s").replace("\n", "\\n")
        script = (
            "set -e; umask 077; mkdir /tmp/redis; "
            f"printf '{config}' \"$DBARCH_PASSWORD\" > /tmp/redis/redis.conf; "
            "unset DBARCH_PASSWORD; exec redis-server /tmp/redis/redis.conf"
        )
        return "redis", ["sh", "-c", script]
