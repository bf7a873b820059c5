"""PgBouncer, started from the configuration file a page shows, in front of a throwaway PostgreSQL.

`start(ini, backend)` reads the page's ini file, keeps its pooling settings (pool_mode, pool
sizes, limits) and fills in what belongs to this machine and this run:

* `listen_addr` / `listen_port`: 127.0.0.1 and a free port; no Unix socket;
* the page's `auth_type` is kept (scram-sha-256); `auth_file` is a file of this run, readable by
  PgBouncer's user alone, holding the backend's user and password: PgBouncer checks clients
  against it and logs in to the backend with it, so no password is written into `[databases]`;
* `logfile`, `pidfile` in a temp dir; `admin_users` = the backend's user (for SHOW commands);
* in `[databases]`, every entry's host/port (and user/password) point at `backend`, and a `*`
  fallback entry reaches any database there, so each test can use a fresh one.

PgBouncer refuses to run as root, so as root it runs as the `postgres` user, like PostgreSQL. It
gets a parent-death signal and is stopped, and its directory removed, like the other engines.

In front of a PostgreSQL of the version matrix (a container), PgBouncer is the one its Debian
suite packages, run in a container of the same image: each PostgreSQL version of the matrix is
paired with a PgBouncer version (bookworm 1.18 with 15, trixie's with 17, sid's with 18).
"""

from __future__ import annotations

import configparser
import io
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from . import EngineUnavailable, Server, track
from ._local import _launch
from ._process import free_port, make_workdir, service_user, write_private

_SEARCH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"


def binary() -> str | None:
    return shutil.which("pgbouncer", path=_SEARCH)


def version(program: list[str] | None = None) -> str:
    """What `pgbouncer --version` says first ("PgBouncer 1.18.0"): this machine's, or the one
    `program` runs (in a container, say); "" when there is none."""
    if program is None:
        found = binary()
        if found is None:
            return ""
        program = [found]
    out = subprocess.run([*program, "--version"], capture_output=True, text=True, timeout=60)
    return out.stdout.splitlines()[0].strip() if out.stdout else ""


# PgBouncer 1.24 turned its tracking of prepared statements on by default
# (max_prepared_statements = 200); 1.18 does not know the setting.
TRACKS_BY_DEFAULT = (1, 24)


def major_minor(server: Server) -> tuple[int, int]:
    """(1, 18) for a PgBouncer whose --version says PgBouncer 1.18.0."""
    found = re.match(r"PgBouncer (\d+)\.(\d+)", server.version)
    if found is None:
        raise ValueError(f"not a PgBouncer version: {server.version!r}")
    return int(found[1]), int(found[2])


def config_for(ini: str, backend: Server, port: int, work: Path) -> str:
    """The page's configuration with this run's addresses, paths and authentication."""
    parser = configparser.ConfigParser(
        delimiters=("=",), comment_prefixes=(";", "#"), interpolation=None, strict=True
    )
    parser.optionxform = str  # keep database names as written
    parser.read_string(ini)
    if not parser.has_section("pgbouncer") or not parser.has_section("databases"):
        raise ValueError("a PgBouncer ini needs a [databases] and a [pgbouncer] section")
    target = {"host": backend.host, "port": str(backend.port)}
    for name, connstr in parser.items("databases"):
        parser.set("databases", name, _retarget(connstr, target))
    if not parser.has_option("databases", "*"):
        parser.set("databases", "*", _retarget("", target))
    parser.read_dict(
        {
            "pgbouncer": {
                "listen_addr": "127.0.0.1",
                "listen_port": str(port),
                "unix_socket_dir": "",
                "auth_file": str(work / "userlist.txt"),
                "logfile": str(work / "pgbouncer.log"),
                "pidfile": str(work / "pgbouncer.pid"),
                "admin_users": backend.user,
            }
        }
    )
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


def _retarget(connstr: str, target: dict[str, str]) -> str:
    """`host=db1 port=5432 dbname=shop` → the same with host/port/password replaced."""
    pairs = dict(re.findall(r"(\w+)=(\S+)", connstr))
    pairs.update(target)
    return " ".join(f"{k}={v}" for k, v in pairs.items())


def start(ini_path: Path, backend: Server, image: str = "") -> Server:
    """PgBouncer configured by `ini_path`, pooling connections to `backend`: the one in `image`
    (by default `backend`'s, when that runs in a container), else this machine's. RuntimeError,
    with PgBouncer's log, when it refuses the configuration."""
    image = image or (backend.image if backend.origin == "container" else "")
    if image:
        return _start_in_container(ini_path, backend, image)
    found = binary()
    if found is None:
        raise EngineUnavailable("no local pgbouncer (not on PATH or in /usr/sbin)")
    user = service_user("postgres")
    work = make_workdir("pgbouncer", user)
    port = free_port()
    write_private(
        work / "pgbouncer.ini", config_for(ini_path.read_text(), backend, port, work), user
    )
    write_private(work / "userlist.txt", _userlist(backend), user)
    server = Server(
        "postgres",
        "127.0.0.1",
        port,
        user=backend.user,
        password=backend.password,
        product="pgbouncer",
    )
    # _launch waits until a query through PgBouncer reaches the backend's `postgres` database.
    _launch(server, [found, str(work / "pgbouncer.ini")], user, work, signal.SIGKILL)
    server.version = version()
    return track(server)


def _start_in_container(ini_path: Path, backend: Server, image: str) -> Server:
    from . import containers

    port = free_port()
    files = Path(containers.FILES)
    config = config_for(ini_path.read_text(), backend, port, files)
    # No logfile: PgBouncer logs to its standard error, which `docker logs` keeps.
    config = config.replace(f"logfile = {files}/pgbouncer.log\n", "")
    texts = {"pgbouncer.ini": config, "userlist.txt": _userlist(backend)}
    script = "set -e; umask 077; unset DBARCH_PASSWORD; "  # the backend's: in userlist.txt
    script += containers.write_files(tuple(texts))
    script += f"exec pgbouncer {files}/pgbouncer.ini"
    try:
        server = containers.run(
            "postgres",
            image,
            lambda _: ("postgres", ["sh", "-c", script]),
            backend.password,
            {containers.file_env(name): text for name, text in texts.items()},
            port,
        )
    except EngineUnavailable as e:  # it exited: PgBouncer refused the configuration
        raise RuntimeError(str(e)) from None
    server.user, server.product = backend.user, "pgbouncer"
    track(server)  # stopped at exit, whatever happens next
    server.version = version([*containers.exec_argv(server), "pgbouncer"])
    return server


def _userlist(backend: Server) -> str:
    return f'"{backend.user}" "{backend.password}"\n'
