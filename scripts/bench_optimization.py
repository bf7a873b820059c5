"""Timings quoted on the Query optimization page, measured on the sample data; prints medians.

    python scripts/bench_optimization.py [--runs N]

Starts a throwaway PostgreSQL (as the test suite does), loads the sample data (20,000 orders) and
measures, with the very queries of snippets/postgres/query-optimization/ and
snippets/python/query-optimization/:

* page 501 of the orders list: OFFSET 10000 against the keyset condition (server-side execution
  time from EXPLAIN ANALYZE, so network and client do not count);
* customers without orders under work_mem = 64kB: NOT IN against NOT EXISTS (execution time);
* shipping 100 orders: a loop of 100 single-row UPDATEs against one UPDATE … = ANY(%s)
  (wall-clock time seen by the client, round trips included).

The figures depend on the machine; the ratios are what the page quotes and what the tests
check (tests/test_claims_query_optimization.py, with a generous threshold).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playbooks import engines  # noqa: E402
from playbooks.engines.postgres import Databases  # noqa: E402
from playbooks.engines.readiness import connect  # noqa: E402
from playbooks.sql import snippet, split_statements  # noqa: E402

S = "postgres/query-optimization/"


def last_query(path: str) -> str:
    """The query of the snippet's last EXPLAIN, without the EXPLAIN."""
    text = split_statements(snippet(S + path))[-1].text
    return text.split(")", 1)[1].strip()


def execution_ms(conn, query: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        plan = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}").fetchone()[0][0]
        times.append(plan["Execution Time"])
    return statistics.median(times)


def line(label: str, ms: float, ratio: float | None = None) -> None:
    tail = f"   ratio {ratio:.0f}x" if ratio else ""
    print(f"{label:<40} median {ms:8.3f} ms{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    server = engines.start("postgres")
    try:
        databases = Databases(server)
        with connect(server, databases.create("sample"), autocommit=True) as conn:
            conn.execute("CREATE INDEX orders_created_at_id_idx ON orders (created_at, id)")
            conn.execute("ANALYZE orders")
            offset = execution_ms(conn, last_query("pagination-offset.sql"), args.runs)
            keyset = execution_ms(conn, last_query("pagination-keyset.sql"), args.runs)
            line("page 501 (OFFSET 10000): OFFSET", offset)
            line("page 501 (OFFSET 10000): keyset", keyset, offset / keyset)

            conn.execute("SET work_mem = '64kB'")
            statements = split_statements(snippet(S + "not-in-work-mem.sql"))
            not_in = statements[1].text.split(")", 1)[1].strip()
            not_exists = statements[2].text.split(")", 1)[1].strip()
            runs = max(3, args.runs // 10)  # NOT IN takes the better part of a second
            slow = execution_ms(conn, not_in, runs)
            fast = execution_ms(conn, not_exists, runs)
            line("no orders, work_mem 64kB: NOT IN", slow)
            line("no orders, work_mem 64kB: NOT EXISTS", fast, slow / fast)
            conn.execute("RESET work_mem")

            ids = [r[0] for r in conn.execute("SELECT id FROM orders ORDER BY id LIMIT 100")]
            loop, batch = [], []
            for _ in range(max(3, args.runs // 5)):
                start = time.perf_counter()
                for order_id in ids:
                    conn.execute(
                        "UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = %s",
                        [order_id],
                    )
                loop.append(time.perf_counter() - start)
                start = time.perf_counter()
                conn.execute(
                    "UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = ANY(%s)",
                    [ids],
                )
                batch.append(time.perf_counter() - start)
            loop_ms, batch_ms = statistics.median(loop) * 1000, statistics.median(batch) * 1000
            line("ship 100 orders: loop of UPDATEs", loop_ms)
            line("ship 100 orders: one UPDATE = ANY", batch_ms, loop_ms / batch_ms)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
