"""PostgreSQL: the engine unit, and fresh databases cloned from prepared templates (one per
example, nothing shared)."""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shlex
import shutil
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import paths
from ..secrets import no_clear_text
from . import Server, _local
from ._process import free_port, make_workdir, new_password, run, service_user, write_private
from .base import Engine, register
from .readiness import connect

# Settings of every throwaway server: durability off (start fast, stop fast), what examples need.
SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "shared_preload_libraries": "pg_stat_statements",
    "max_connections": "200",
    "wal_level": "replica",
    "max_wal_senders": "10",
}


@register
class Postgres(Engine):
    name = "postgres"
    scheme = "postgresql"
    default_port = 5432
    admin_user = "postgres"

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        import psycopg

        if server.origin == "env":  # a server of the user's, reached with sslmode=prefer
            kwargs = {**no_clear_text(kwargs), **kwargs}
        return psycopg.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password or None,
            dbname=database or "postgres",
            **kwargs,
        )

    def probe(self, client: Any) -> str:
        client.autocommit = True  # no BEGIN: a PgBouncer in statement mode refuses one
        return client.execute("SHOW server_version").fetchone()[0]

    def connect_timeout(self) -> dict[str, Any]:
        return {"connect_timeout": 1}

    def not_ready_errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (psycopg.OperationalError,)

    def local_missing(self) -> str | None:
        if _local.postgres_bindir() is None:
            return "no local PostgreSQL (initdb not found in /usr/lib/postgresql/*/bin or PATH)"
        return None

    def start_local(self) -> Server:
        bindir = _local.postgres_bindir()
        assert bindir is not None
        user = service_user("postgres")
        work = make_workdir("postgres", user)
        password = new_password()
        # initdb reads the password from a file, removed at once: never on a command line.
        pwfile = write_private(work / "pwfile", password, user)
        try:
            run(
                [str(bindir / "initdb"), "-D", str(work / "data"), *_initdb_args(pwfile)],
                user,
                work,
            )
        finally:
            pwfile.unlink()
        port = free_port()
        # The work dir is 0700: only the server's own user reaches the socket.
        settings = {"port": port, "listen_addresses": "127.0.0.1"}
        settings |= {"unix_socket_directories": str(work), **SETTINGS}
        argv = [str(bindir / "postgres"), "-D", str(work / "data")]
        for key, value in settings.items():
            argv += ["-c", f"{key}={value}"]
        server = Server("postgres", "127.0.0.1", port, user="postgres", password=password)
        # SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends with it.
        return _local._launch(server, argv, user, work, signal.SIGQUIT)

    def started(self, server: Server) -> None:
        """Its password in this process's libpq password file, so that a second connection
        opened from `conn.info.dsn` (which omits the password) logs in too."""
        if server.password and server.origin != "env":
            _remember_password(server)

    def container_command(
        self, port: int, extra: dict[str, str] | None = None, files: tuple[str, ...] = ()
    ) -> tuple[str, list[str]]:
        """`extra` settings over SETTINGS; `files` written to /tmp/files (write_files)."""
        from .containers import write_files

        settings = {"port": port, "listen_addresses": "127.0.0.1"}
        settings |= {"unix_socket_directories": "/tmp/sock", **SETTINGS, **(extra or {})}
        options = " ".join(shlex.quote(f"-c{k}={v}") for k, v in settings.items())
        script = (
            "set -e; umask 077; mkdir /tmp/sock; "
            'printf %s "$DBARCH_PASSWORD" > /tmp/pw; unset DBARCH_PASSWORD; '
            f"{write_files(files)}"
            f"initdb -D /tmp/data {' '.join(_initdb_args('/tmp/pw'))} >/dev/null; rm /tmp/pw; "
            f"exec postgres -D /tmp/data {options}"
        )
        return "postgres", ["sh", "-c", script]


_passfile: Path | None = None


def _remember_password(server: Server) -> None:
    """One line per server in a 0600 file in a 0700 dir, named by PGPASSFILE in this process
    (unless the user set PGPASSFILE: then theirs stays in charge)."""
    global _passfile
    if _passfile is None:
        if os.environ.get("PGPASSFILE"):
            return
        _passfile = write_private(make_workdir("pgpass", None) / "pgpass", "", None)
        os.environ["PGPASSFILE"] = str(_passfile)
        atexit.register(shutil.rmtree, _passfile.parent, True)
    with _passfile.open("a") as f:
        f.write(f"{server.host}:{server.port}:*:{server.user}:{server.password}\n")


def client_argv(server: Server, program: str) -> list[str]:
    """The argv that runs `program`, a client of the server's own major version: one of another
    version may refuse (pg_repack: "program 'pg_repack 1.4.8' does not match database library").
    Debian installs it beside the server's programs, outside PATH; a container's runs in it, with
    PGPASSWORD passed from this process's environment."""
    major = server.version.split(".")[0]
    path = f"/usr/lib/postgresql/{major}/bin/{program}"
    if server.origin == "container":
        from . import containers

        return [*containers.exec_argv(server, env=("PGPASSWORD",)), path]
    return [path if Path(path).exists() else shutil.which(program) or path]


def _initdb_args(pwfile: Any) -> list[str]:
    return [
        "-U",
        "postgres",
        "--auth=scram-sha-256",
        f"--pwfile={pwfile}",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "-N",
    ]


EXTENSIONS = ("postgis", "hypopg", "pg_trgm", "btree_gist", "ltree", "citext", "pg_stat_statements")
# none: extensions only; schema: + the sample schema and its generator; sample/large: + data.
DATA_LEVELS = ("none", "schema", "sample", "large")
SCALE = {"sample": 20_000, "large": 200_000}
_BASE = {"schema": "none", "sample": "schema", "large": "schema"}


class Databases:
    """Creates templates lazily, then clones them (CREATE DATABASE … TEMPLATE) in tens of ms."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self._tag = uuid.uuid4().hex[:10]
        self._templates: dict[str, str] = {}
        self._created: list[str] = []
        self._counter = itertools.count(1)
        self._admin_conn: Any = None

    @contextlib.contextmanager
    def _admin(self) -> Iterator[Any]:
        """One maintenance connection, kept open: a new one per clone would double its cost."""
        if self._admin_conn is None or self._admin_conn.closed:
            self._admin_conn = connect(self.server, autocommit=True)
        yield self._admin_conn

    def template(self, data: str) -> str:
        if data not in DATA_LEVELS:
            raise ValueError(f"unknown data level {data!r}; known: {', '.join(DATA_LEVELS)}")
        if data in self._templates:
            return self._templates[data]
        name = f"dbarch_tpl_{data}_{self._tag}"
        base = _BASE.get(data)
        with self._admin() as admin:
            clause = f" TEMPLATE {self.template(base)} STRATEGY FILE_COPY" if base else ""
            admin.execute(f"CREATE DATABASE {name}{clause}")
        self._created.append(name)
        try:
            with connect(self.server, name, autocommit=True) as conn:
                _fill(conn, data)
        except BaseException:
            self.drop(name)
            raise
        self._templates[data] = name
        return name

    def create(self, data: str = "sample") -> str:
        """A new database holding `data`; its name."""
        template = self.template(data)
        name = f"dbarch_ex_{self._tag}_{next(self._counter)}"
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        self._created.append(name)
        return name

    def create_sample(self, n_orders: int, name: str) -> str:
        """A database `name` holding the sample data generated for `n_orders` orders."""
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {self.template('schema')}")
        self._created.append(name)
        with connect(self.server, name, autocommit=True) as conn:
            conn.execute("SELECT generate_sample_data(%s)", (n_orders,))
            conn.execute("VACUUM ANALYZE")
        return name

    def drop(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._created.remove(name)

    def close(self) -> None:
        """Drop everything created here (only matters on a server we did not start)."""
        for name in reversed(list(self._created)):
            self.drop(name)
        if self._admin_conn is not None:
            self._admin_conn.close()


def _fill(conn: Any, data: str) -> None:
    if data == "none":
        for ext in EXTENSIONS:
            conn.execute(f"CREATE EXTENSION IF NOT EXISTS {ext}")
    elif data == "schema":
        for path in ("postgres/sample-schema/schema.sql", "postgres/sample-schema/generate.sql"):
            conn.execute((paths.SNIPPETS / path).read_text())
    else:
        conn.execute("SELECT generate_sample_data(%s)", (SCALE[data],))
        conn.execute("VACUUM ANALYZE")
