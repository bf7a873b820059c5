"""Engines from the server binaries installed on this machine (Debian packages)."""

from __future__ import annotations

import glob
import os
import shutil
import time
from pathlib import Path

from . import Server
from ._process import (
    spawn,
    stop,
    wait_until,
)
from .readiness import ready

_START_TIMEOUT = 60  # generous: the suite shares 2 cores with other runs


def postgres_bindir() -> Path | None:
    override = os.environ.get("DBARCH_PG_BINDIR")
    candidates = [override] if override else sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    for d in reversed(candidates):  # newest major version first
        if d and Path(d, "initdb").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _which(binary: str) -> str | None:
    # Debian puts mariadbd in /usr/sbin, which ordinary users often lack in PATH.
    return shutil.which(binary, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def _launch(server: Server, argv: list[str], user, work: Path, sig: int) -> Server:
    """Start the server process, wait until it answers; on any failure leave nothing behind."""
    log = work / f"{server.engine}.log"
    started = time.monotonic()
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
    server.start_seconds = time.monotonic() - started
    return server
