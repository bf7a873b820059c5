"""Engines from the server binaries installed on this machine (Debian packages)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
from pathlib import Path

from . import Server
from ._process import free_port, make_workdir, run, service_user, spawn, stop, wait_until
from .readiness import ready

_START_TIMEOUT = 30


def postgres_bindir() -> Path | None:
    override = os.environ.get("DBARCH_PG_BINDIR")
    candidates = [override] if override else sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    for d in reversed(candidates):  # newest major version first
        if d and Path(d, "initdb").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def missing(engine: str) -> str | None:
    """Why the local binaries for `engine` cannot be used, or None when they can."""
    if engine == "postgres":
        if postgres_bindir() is None:
            return "no local PostgreSQL (initdb not found in /usr/lib/postgresql/*/bin or PATH)"
        return None
    need = {"mariadb": ["mariadbd", "mariadb-install-db"], "redis": ["redis-server"]}[engine]
    absent = [b for b in need if _which(b) is None]
    return f"no local {engine} ({', '.join(absent)} not on PATH)" if absent else None


def _which(binary: str) -> str | None:
    # Debian puts mariadbd in /usr/sbin, which ordinary users often lack in PATH.
    return shutil.which(binary, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def start(engine: str) -> Server:
    return {"postgres": _postgres, "mariadb": _mariadb, "redis": _redis}[engine]()


def _launch(server: Server, argv: list[str], user, work: Path, sig: int) -> Server:
    """Start the server process, wait until it answers; on any failure leave nothing behind."""
    log = work / f"{server.engine}.log"
    proc = spawn(argv, user, work, log, death_signal=sig)

    def _stop() -> None:
        stop(proc, sig)
        shutil.rmtree(work, ignore_errors=True)

    server.pids = [proc.pid]
    server._stop = _stop
    try:
        wait_until(lambda: ready(server), proc, log, _START_TIMEOUT)
    except BaseException:
        _stop()
        raise
    return server


def _postgres() -> Server:
    bindir = postgres_bindir()
    user = service_user("postgres")
    work = make_workdir("postgres", user)
    run(
        [
            str(bindir / "initdb"),
            "-D",
            str(work / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "-N",
        ],
        user,
        work,
    )
    port = free_port()
    settings = {
        "port": port,
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": str(work),
        # A throwaway server: durability off, start fast, stop fast.
        "fsync": "off",
        "full_page_writes": "off",
        "shared_preload_libraries": "pg_stat_statements",
        "max_connections": "200",
        "wal_level": "replica",
        "max_wal_senders": "10",
    }
    argv = [str(bindir / "postgres"), "-D", str(work / "data")]
    for key, value in settings.items():
        argv += ["-c", f"{key}={value}"]
    # SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends with it.
    server = Server("postgres", "127.0.0.1", port, user="postgres")
    return _launch(server, argv, user, work, signal.SIGQUIT)


def _mariadb() -> Server:
    user = service_user("mysql")
    work = make_workdir("mariadb", user)
    data = work / "data"
    run(
        [
            _which("mariadb-install-db"),
            "--no-defaults",
            f"--datadir={data}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--skip-name-resolve",
        ],
        user,
        work,
    )
    port = free_port()
    argv = [
        _which("mariadbd"),
        "--no-defaults",
        f"--datadir={data}",
        f"--port={port}",
        "--bind-address=127.0.0.1",
        f"--socket={work / 'mysql.sock'}",
        f"--pid-file={work / 'mariadbd.pid'}",
        "--skip-name-resolve",
        "--skip-log-bin",
        "--innodb-flush-log-at-trx-commit=0",
        "--innodb-doublewrite=0",
        "--innodb-buffer-pool-size=256M",
    ]
    return _launch(
        Server("mariadb", "127.0.0.1", port, user="root"), argv, user, work, signal.SIGKILL
    )


def _redis() -> Server:
    work = make_workdir("redis", None)
    port = free_port()
    argv = [
        _which("redis-server"),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(work),
        "--daemonize",
        "no",
    ]
    return _launch(Server("redis", "127.0.0.1", port), argv, None, work, signal.SIGKILL)
