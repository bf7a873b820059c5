"""Measures the verification pipeline's budgets and prints medians.

    python scripts/bench.py [--runs N] [--suite]

engine start (PostgreSQL ≤ 1 s, MariaDB ≤ 2 s), a fresh database per example (≤ 50 ms),
`mkdocs build --strict` (≤ 10 s), `playbook --help` and `list` (≤ 0.3 s), `playbook check` on
200 000 orders (≤ 2 s) and, with --suite, the whole test suite (≤ 60 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playbooks import engines  # noqa: E402
from playbooks.engines.postgres import Databases  # noqa: E402
from playbooks.engines.readiness import connect  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float], budget: float) -> None:
    median = statistics.median(times)
    verdict = "ok" if median <= budget else "OVER BUDGET"
    print(
        f"{name:<34} median {median * 1000:8.1f} ms   min {min(times) * 1000:8.1f}   "
        f"max {max(times) * 1000:8.1f}   n={len(times)}   budget {budget * 1000:.0f} ms  {verdict}"
    )


def start_stop(engine: str) -> None:
    engines.start(engine).stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

    for engine, budget in (("postgres", 1.0), ("mariadb", 2.0), ("redis", 0.5)):
        report(
            f"{engine} start (until it answers)",
            timed(lambda engine=engine: start_stop(engine), args.runs),
            budget,
        )

    server = engines.start("postgres")
    databases = Databases(server)
    databases.template("sample")
    clones: list[float] = []
    drops: list[float] = []
    for _ in range(max(30, args.runs)):  # as the suite uses them: clone, use, drop, next
        start = time.perf_counter()
        name = databases.create("sample")
        clones.append(time.perf_counter() - start)
        with connect(server, name) as conn:
            conn.execute("SELECT count(*) FROM orders").fetchone()
        start = time.perf_counter()
        databases.drop(name)
        drops.append(time.perf_counter() - start)
    report("fresh database (clone of sample)", clones, 0.05)
    report("drop database", drops, 0.05)

    playbook = [sys.executable, "-m", "playbooks.cli"]

    def cli(*args: str) -> None:
        subprocess.run([*playbook, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    report("playbook --help", timed(lambda: cli("--help"), max(10, args.runs)), 0.3)
    report("playbook list", timed(lambda: cli("list"), max(10, args.runs)), 0.3)
    large = databases.create("large")  # 200 000 orders
    report(
        "playbook check (200k orders)",
        timed(lambda: cli("check", "--dsn", server.url(large), "--fail-on", "never"), args.runs),
        2.0,
    )
    server.stop()

    def build() -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-q",
                "-d",
                "/tmp/dbarch-bench-site",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )

    report("mkdocs build --strict", timed(build, 3), 10.0)

    if args.suite:

        def suite() -> None:
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )

        report("whole test suite", timed(suite, 1), 60.0)


if __name__ == "__main__":
    main()
