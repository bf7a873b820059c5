"""One server per engine per session, and where its files are kept."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pytest

from playbooks import engines
from playbooks.testing.options import served, unavailable
from playbooks.testing.summary import SERVERS

MEMORY_DIR, MEMORY_ROOM = "/dev/shm", 4 << 30


def keep_files_in_memory() -> None:
    """Point TMPDIR, and so every server the suite starts, at a tmpfs when the machine has one
    with room and the user set no TMPDIR (the xdist workers inherit it). The servers are
    throwaway (fsync is off already): cloning the sample database, which each example does,
    took 24 ms there against 130-230 ms on this machine's disk, where the clone's checkpoint
    writes what the examples before it dirtied."""
    if os.environ.get("TMPDIR") or not os.access(MEMORY_DIR, os.W_OK):
        return
    free = os.statvfs(MEMORY_DIR)
    if free.f_bavail * free.f_frsize >= MEMORY_ROOM:
        os.environ["TMPDIR"] = MEMORY_DIR
        tempfile.tempdir = None  # computed again from TMPDIR


def _start_server(request: pytest.FixtureRequest, engine: str) -> engines.Server:
    engine, version = served(request.config, engine)
    try:
        server = engines.start(engine, version)
    except engines.EngineUnavailable as e:
        unavailable(request.config, engine, str(e))
    request.addfinalizer(server.stop)
    request.config.stash[SERVERS][engine] = server
    return server


def _server_fixture(engine: str) -> Any:
    """The session fixture `<engine>_server`: one server of `engine` for the whole run."""

    @pytest.fixture(scope="session", name=f"{engine}_server")
    def server(request: pytest.FixtureRequest) -> engines.Server:
        return _start_server(request, engine)

    return server


postgres_server = _server_fixture("postgres")
mariadb_server = _server_fixture("mariadb")
redis_server = _server_fixture("redis")
mongodb_server = _server_fixture("mongodb")
cassandra_server = _server_fixture("cassandra")
neo4j_server = _server_fixture("neo4j")
