"""`playbook sandbox`: a throwaway PostgreSQL with the sample schema, until Ctrl-C.

Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop what it started and remove its temp dir. On
a server named by DBARCH_POSTGRES_URL it creates databases of its own and drops them on exit,
and never prints that server's password (the user has it; the screen may be shared).
"""

from __future__ import annotations

import secrets
import signal
import sys
import time
from typing import Any, NoReturn


def _interrupt(signum: int, frame: Any) -> NoReturn:
    raise KeyboardInterrupt


def _say(line: str = "") -> None:
    """Print, unless the terminal is gone (SIGHUP): clean-up must go on regardless."""
    try:
        print(line, flush=True)
    except OSError:
        pass


def serve(orders: int) -> int:
    from . import engines
    from .engines.postgres import Databases

    if orders < 1:
        print("playbook: error: --orders must be at least 1", file=sys.stderr)
        return 2
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    started = time.perf_counter()
    _say("starting PostgreSQL …")
    try:
        server = engines.start("postgres")
    except (engines.EngineUnavailable, RuntimeError) as e:
        print(f"playbook: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    borrowed = server.origin == "env"  # a server of the user's: drop our databases, keep it
    databases = Databases(server)
    name = f"sandbox_{secrets.token_hex(4)}" if borrowed else "sandbox"
    created = False
    try:
        _say(
            f"  PostgreSQL {server.version} ({server.origin}) ready in "
            f"{time.perf_counter() - started:.1f} s"
        )
        loading = time.perf_counter()
        _say(f"loading the sample schema with {orders} orders …")
        _say("  the extensions, the tables and the generator …")
        _admin(server, f"CREATE DATABASE {name} TEMPLATE {databases.template('schema')}")
        created = True
        _load(server, name, orders)
        _say(f"  loaded in {time.perf_counter() - loading:.1f} s\n")
        url = server.url(name, hide_password=borrowed)
        _say(f"  URL:  {url}")
        if borrowed:
            _say("        (*** is the password of DBARCH_POSTGRES_URL)")
        _say(f"  psql: psql '{url}'")
        _say(f"  try:  playbook check --dsn '{url}'\n")
        what = "drops its databases" if borrowed else "stops the server and removes everything"
        _say(f"Ctrl-C {what} it started.")
        # Short sleeps: CPython looks at a signal between bytecodes and when a sleep is
        # interrupted, so a Ctrl-C that lands after the line above and before the sleep starts
        # would wait for the sleep's end (seen in CI: a Ctrl-C typed at once, ignored for 120 s).
        while True:
            time.sleep(0.2)
    except KeyboardInterrupt:
        _say("\nstopping …")
        return 0
    finally:
        try:
            if borrowed:
                if created:
                    _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                databases.close()  # the templates it made
        finally:
            server.stop()


def _admin(server: Any, statement: str) -> None:
    from .engines.readiness import connect

    with connect(server, autocommit=True) as conn:
        conn.execute(statement)


def _load(server: Any, name: str, orders: int) -> None:
    """Fill the sample tables, printing the generator's progress as each table is loaded."""
    from .engines.readiness import connect

    with connect(server, name, autocommit=True) as conn:
        conn.add_notice_handler(lambda diag: _say(f"  {diag.message_primary}"))
        conn.execute("SET dbarch.progress = on")
        conn.execute("SELECT generate_sample_data(%s)", (orders,))
        # A backend hands its row counts to the statistics at most once a second (15+). Handed
        # over after the ANALYZE, the generator's would count every row as changed since it and
        # twice as live, and `playbook check` would call the fresh statistics stale.
        if conn.info.server_version >= 150000:
            conn.execute("SELECT pg_stat_force_next_flush()")
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        _say(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")
