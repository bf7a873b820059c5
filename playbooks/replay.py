"""What claim tests use to re-run the snippet a page shows and look at what it did.

`replay` runs a snippet through the example runner's executor (`playbooks.runner.execute`),
asking each `EXPLAIN` for FORMAT JSON, so a test asserts the plan of exactly the query on the
page. An engine error propagates as the driver raised it, expected (`error=`) or not.
`run_python` executes a Python snippet the way the runner does and returns its namespace.
`Background` runs a statement in a thread and `lock_waits` shows what it waits for.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .runner import execute
from .sql import snippet, split_statements


@dataclass
class Replay:
    explains: list[dict] = field(default_factory=list)  # each EXPLAIN's whole JSON, in order
    results: list[tuple[str, list[tuple] | None]] = field(default_factory=list)  # the others

    @property
    def plans(self) -> list[dict]:
        """The top plan node of each EXPLAIN, in order."""
        return [e["Plan"] for e in self.explains]

    def rows(self, needle: str) -> list[list[tuple]]:
        """The rows of every non-EXPLAIN statement whose text contains `needle`, in order."""
        return [rows for text, rows in self.results if needle in text and rows is not None]

    def selected(self) -> list[list[tuple]]:
        """The rows of every statement that returned a result (perhaps empty), in order."""
        return [rows for _, rows in self.results if rows is not None]


def statements(path: str) -> list[str]:
    """The statements of a snippet file, by its path under snippets/."""
    return [s.text for s in split_statements(snippet(path))]


def replay(conn: Any, path: str, upto: int | None = None, start: int = 0) -> Replay:
    """Run the snippet's statements [start:upto], keeping each plan (as JSON) and each result."""
    return replay_code(conn, snippet(path), upto, start)


def replay_code(conn: Any, code: str, upto: int | None = None, start: int = 0) -> Replay:
    """`replay` for code shown on a page rather than kept in a snippet file."""
    done = Replay()
    chosen = split_statements(code)[start:upto]
    for result in execute(conn, chosen, explain_json=True):
        if result.text.upper().startswith("EXPLAIN"):
            done.explains.append(result.rows[0][0][0])
        else:
            done.results.append((result.text, result.rows))
    return done


def replay_until_error(
    conn: Any, path: str, error: type[BaseException], match: str | None = None
) -> Replay:
    """Replay all but the last statement, then assert that the last one fails with `error`:
    the test-side twin of an example's `error=`."""
    import pytest

    done = replay(conn, path, upto=-1)
    with pytest.raises(error, match=match):
        conn.execute(statements(path)[-1])
    return done


def exec_python(code: str, path: Path, fixtures: dict[str, Any], name: str = "__example__") -> dict:
    """Execute Python example code with fixtures as globals: the runner's one way to do it."""
    namespace = {"__name__": name, "__file__": str(path), **fixtures}
    exec(compile(code, str(path), "exec", dont_inherit=True), namespace)
    return namespace


def run_python(path: str, name: str = "__example__", **fixtures: Any) -> dict:
    """Execute a Python snippet (path under snippets/) as the runner does; its namespace."""
    file = paths.SNIPPETS / path
    return exec_python(file.read_text(), file, fixtures, name)


def scalar(conn: Any, sql: str, params: Any = None) -> Any:
    return conn.execute(sql, params).fetchone()[0]


def wait_for(
    condition: Callable[[], Any],
    what: str,
    timeout: float,
    retry_on: tuple[type[BaseException], ...] = (),
    interval: float = 0.05,
    accept: Callable[[Any], Any] = bool,
) -> Any:
    """Poll `condition` until `accept` approves what it returns (by default: anything truthy) and
    return that; an exception of a type in `retry_on` (a server that is restarting) counts as not
    yet. AssertionError after `timeout` seconds, naming what was awaited and the last value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = condition()
            if accept(found):
                return found
        except retry_on as e:
            found = e
        if time.monotonic() >= deadline:
            raise AssertionError(f"not within {timeout:g} s: {what} (last: {found!r})")
        time.sleep(interval)


def lock_waits(
    observer: Any, pid: int, accept: Callable[[Any], Any] = bool, timeout: float = 10
) -> list[tuple]:
    """The locks backend `pid` waits for, as (locktype, relation, mode), read on `observer` (a
    PostgreSQL connection of its own) until `accept` approves them (by default: any)."""
    return wait_for(
        lambda: observer.execute(
            "SELECT locktype, relation::regclass::text, mode FROM pg_locks "
            "WHERE pid = %s AND NOT granted",
            [pid],
        ).fetchall(),
        f"backend {pid} waiting for the locks awaited",
        timeout,
        accept=accept,
    )


class Background:
    """A statement running on a connection in a thread, for a test to watch it wait."""

    def __init__(self, conn: Any, statement: str) -> None:
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._run, args=(conn, statement), daemon=True)
        self.thread.start()

    def _run(self, conn: Any, statement: str) -> None:
        import psycopg

        try:
            conn.execute(statement)
        except psycopg.Error as e:
            self.error = e

    def join(self, timeout: float = 20) -> Exception | None:
        """The engine's error, if the statement failed; AssertionError if it still runs."""
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the statement is still running"
        return self.error


@contextlib.contextmanager
def system_settings(conn: Any, **settings: str) -> Iterator[None]:
    """ALTER SYSTEM SET each setting on `conn`'s PostgreSQL server and reload; RESET them and
    reload again on the way out. What waits for the new values to act is the caller's."""
    from psycopg import sql

    for name, value in settings.items():
        conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), value))
    conn.execute("SELECT pg_reload_conf()")
    try:
        yield
    finally:
        for name in settings:
            conn.execute(sql.SQL("ALTER SYSTEM RESET {}").format(sql.Identifier(name)))
        conn.execute("SELECT pg_reload_conf()")
