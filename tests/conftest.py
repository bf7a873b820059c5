"""Fixtures the claim tests of every chapter may use (the plugin's are in playbooks.testing)."""

from __future__ import annotations

import itertools
import runpy
import signal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from playbooks.testing import servers

# A suite started in the background by a non-interactive shell (`make test &` in a script) starts
# with SIGINT ignored, and every process it spawns inherits that: the Ctrl-C a test types in a
# pseudo-terminal (`playbook run`, `sandbox`, an interrupted inner pytest) would then do nothing.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

servers.keep_files_in_memory()  # before the xdist workers start: they inherit TMPDIR


@pytest.fixture(scope="module")
def shared_dbs(pg_databases):
    """One database per data level for the whole module, created on first use."""
    from playbooks.engines.readiness import connect

    opened: dict[str, tuple[str, Any]] = {}

    def get(data: str) -> Any:
        if data not in opened:
            name = pg_databases.create(data)
            opened[data] = (name, connect(pg_databases.server, name, autocommit=True))
        return opened[data][1]

    yield get
    for name, conn in opened.values():
        conn.close()
        pg_databases.drop(name)


_schemas = itertools.count(1)


@pytest.fixture
def scratch(shared_dbs):
    """`scratch(data)` → a connection whose objects go to a schema of their own, dropped after.

    For examples on small tables of their own (data=none, or the empty sample schema): a
    schema costs a millisecond where a fresh database costs a clone.
    """
    made: list[tuple[Any, str]] = []

    def make(data: str = "none") -> Any:
        conn = shared_dbs(data)
        schema = f"scratch_{next(_schemas)}"
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"SET search_path = {schema}, public")
        made.append((conn, schema))
        return conn

    yield make
    for conn, schema in made:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.execute("ROLLBACK")
        conn.execute("SET search_path = public")
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def matrix_tests() -> list[str]:
    """What `make test-matrix` runs in each row (scripts/matrix's TESTS): a page that says its
    claims were checked on every version names a module that is in it."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "matrix"
    return runpy.run_path(str(script))["TESTS"]


@pytest.fixture
def one_connection_server():
    """`serve(talk)` → the port of a listener on 127.0.0.1 that accepts one connection and runs
    `talk(socket)` on it in a thread (a fake server that says what a test needs); closed and
    joined after the test."""
    import socket
    import threading

    opened: list[tuple[socket.socket, threading.Thread]] = []

    def serve(talk) -> int:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def accept() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(10)
                try:
                    talk(conn)
                except OSError:  # the client hung up: what it sent was recorded
                    pass

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        opened.append((listener, thread))
        return listener.getsockname()[1]

    yield serve
    for listener, thread in opened:
        listener.close()
        thread.join(10)
