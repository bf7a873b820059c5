"""`playbook sandbox`: a throwaway PostgreSQL with the sample schema, until Ctrl-C."""

from __future__ import annotations

import signal
import sys
import time


def serve(orders: int) -> int:
    from . import engines
    from .engines.postgres import Databases

    if orders < 1:
        print("playbook: error: --orders must be at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    print("starting PostgreSQL …", flush=True)
    try:
        server = engines.start("postgres")
    except (engines.EngineUnavailable, RuntimeError) as e:
        print(f"playbook: error: {e}", file=sys.stderr)
        return 2
    # SIGTERM (kill, a closing terminal) cleans up like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        print(
            f"  PostgreSQL {server.version} ({server.origin}) ready in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        loading = time.perf_counter()
        print(f"loading the sample schema with {orders} orders …", flush=True)
        name = Databases(server).create_sample(orders, name="sandbox")
        print(f"  loaded in {time.perf_counter() - loading:.1f} s\n")
        url = server.url(name)
        print(f"  URL:  {url}")
        print(f"  psql: psql '{url}'")
        print(f"  try:  playbook check --dsn '{url}'\n")
        print("Ctrl-C stops the server and removes everything it started.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopping …", flush=True)
        return 0
    finally:
        server.stop()
