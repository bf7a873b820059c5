"""What every engine unit provides, and the registry of units by name.

A unit (one module per engine) subclasses `Engine` and registers itself with `@register`. The
rest of the project asks the registry — `unit("postgres")` — instead of testing engine names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Server

REGISTRY: dict[str, Engine] = {}


class Engine:
    name: str = ""
    scheme: str = ""
    default_port: int = 0
    admin_user: str = ""
    # Seconds a fresh server may take before it answers (Cassandra needs minutes).
    start_timeout: float = 60

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        """A client of the engine's Python driver."""
        raise NotImplementedError

    def probe(self, client: Any) -> str:
        """Ask a connected client for the server's version: the proof that it answers."""
        raise NotImplementedError

    def close(self, client: Any) -> None:
        client.close()

    def connect_timeout(self) -> dict[str, Any]:
        """The driver's keyword for a one-second connect timeout, for readiness probes."""
        return {}

    def not_ready_errors(self) -> tuple[type[BaseException], ...]:
        """Errors that, while a server starts, mean "not yet" rather than "broken"."""
        return (Exception,)

    def local_missing(self) -> str | None:
        """Why this machine's binaries cannot start the engine, or None when they can."""
        return (
            "no Docker image of it can be had here (no registry answers, Debian packages no "
            "server); no server binaries for it on this machine"
        )

    def start_local(self) -> Server:
        raise NotImplementedError(self.local_missing() or self.name)

    def started(self, server: Server) -> None:
        """Called once a server of ours runs: where clients of this process learn its password."""

    def container_command(self, port: int) -> tuple[str, list[str]]:
        """(user, argv) that start the server in one of our images on `port`, host network.

        The password is in the environment variable DBARCH_PASSWORD, never in argv.
        """
        raise NotImplementedError(f"{self.name}: no container recipe")


def register(cls: type[Engine]) -> type[Engine]:
    REGISTRY[cls.name] = cls()
    return cls


def unit(name: str) -> Engine:
    """The unit of engine `name`; an unknown name is an error, never a default."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(sorted(REGISTRY))}") from None
