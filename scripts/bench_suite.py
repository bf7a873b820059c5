"""The whole test suite's wall time, as `make test` runs it: the median of N runs, per phase.

    python scripts/bench_suite.py [--runs 3] [--workers auto] [--against DIR [--against-workers 0]]

Each run is `pytest -n WORKERS --dist loadgroup` with a JUnit report; the phases are the test
files' groups (engines, examples, claims, site, browser, CLI, runner), each given as the
worker-seconds its tests took (setup, call and teardown: under xdist their sum exceeds the wall
time). With --against, the suite of another checkout (e.g. `git worktree add /tmp/old 37c9d69`,
then `python3 -m venv /tmp/old/.venv && /tmp/old/.venv/bin/pip install -e '/tmp/old[test,docs]'`)
runs interleaved with this one — old, new, old, new … — so that both see the same load, and the
ratio of the medians is printed. Each run also gives the CPU time the whole machine spent during
it (servers and browsers included, from /proc/stat) and that time divided by the cores: the wall
time no scheduling of the same work can go below. Each checkout runs with the Python of its own
.venv: a link to this one's would make the other's tests start `playbook` from this checkout.
The load average is printed with each run: on a busy machine the numbers mean little.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = {  # the first prefix of a test's file that matches names its phase
    "tests/test_engines": "engines",
    "tests/test_examples": "examples",
    "docs/": "examples",
    "tests/test_census": "examples",
    "tests/test_claims_": "claims",
    "tests/test_site": "site",
    "tests/test_browser": "browser",
    "tests/test_runner": "runner",
    "tests/test_text_units": "runner",
    "tests/test_cli": "CLI",
    "tests/test_check": "CLI",
    "tests/test_lint": "CLI",
    "tests/test_sandbox": "CLI",
    "tests/test_terminal": "CLI",
    "tests/test_make_serve": "CLI",
}


def phase(path: str) -> str:
    return next((name for prefix, name in PHASES.items() if path.startswith(prefix)), "other")


def busy_seconds() -> float:
    """CPU seconds this machine has spent busy since boot, every core and process counted."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    # user, nice, system, idle, iowait, irq, softirq: not steal (another guest's) nor guest
    # (already in user)
    idle = fields[3] + fields[4]
    return (sum(fields[:7]) - idle) / os.sysconf("SC_CLK_TCK")


def run_suite(project: Path, workers: str) -> tuple[float, float, Counter[str], str]:
    """One run of the suite in `project`: wall seconds, the machine's busy CPU seconds,
    worker-seconds per phase, pytest's tail."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        args = ["-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
        if workers != "0":
            args = ["-n", workers, "--dist", "loadgroup", *args]
        start, busy = time.perf_counter(), busy_seconds()
        # The project's own venv: with another's, its tests' subprocesses (`python -m playbooks…`)
        # import that other checkout's package, installed there in editable mode.
        venv = project / ".venv" / "bin" / "python"
        python = str(venv) if venv.exists() else sys.executable
        done = subprocess.run(
            [python, "-m", "pytest", *args],
            cwd=project,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
            text=True,
        )
        wall, cpu = time.perf_counter() - start, busy_seconds() - busy
        phases: Counter[str] = Counter()
        failed = []
        if report.exists():
            for case in ET.parse(report).getroot().iter("testcase"):
                file = case.get("file") or case.get("classname", "").replace(".", "/")
                phases[phase(file)] += float(case.get("time", 0))
                for problem in [*case.iter("failure"), *case.iter("error")]:
                    message = (problem.get("message") or "").strip().partition("\n")[0]
                    failed.append(f"    {case.get('classname')}::{case.get('name')}: {message}")
    tail = done.stdout.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
    # A failed test is named with its message: a timing that came with a failure means less.
    return wall, cpu, phases, "\n".join([tail[0], *failed])


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="auto", help="xdist workers (0: one process)")
    parser.add_argument("--against", type=Path, help="another checkout, run interleaved")
    parser.add_argument("--against-workers", default="0", help="its workers (0: one process)")
    args = parser.parse_args()
    # Started in the background (`make bench &`, nohup), this process ignores SIGINT, and so would
    # the suites it starts: their Ctrl-C tests would wait for their timeouts and fail.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.runs < 1:
        print("bench_suite: --runs must be at least 1", file=sys.stderr)
        return 2
    if args.against and not (args.against / "conftest.py").is_file():
        print(f"bench_suite: {args.against} is not a checkout of this project", file=sys.stderr)
        return 2
    contenders = [("this", ROOT, args.workers)]
    if args.against:
        contenders.insert(0, ("against", args.against, args.against_workers))
    walls: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    cores = os.cpu_count() or 1
    phases: dict[str, list[Counter[str]]] = {name: [] for name, _, _ in contenders}
    for n in range(1, args.runs + 1):
        for name, project, workers in contenders:
            before = load()
            wall, cpu, by_phase, tail = run_suite(project, workers)
            walls[name].append(wall)
            cpus[name].append(cpu)
            phases[name].append(by_phase)
            print(
                f"run {n} {name:<7} {wall:7.1f} s  {cpu:6.0f} CPU-s  (load {before} → {load()}, "
                f"workers {workers})  {tail}",
                flush=True,
            )
    for name, _, _ in contenders:
        median = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        print(
            f"{name}: median {median:.1f} s of {len(walls[name])} runs; the machine busy "
            f"{cpu:.0f} CPU-s, so no schedule of this work on {cores} cores takes less than "
            f"{cpu / cores:.0f} s"
        )
        for group in sorted({g for c in phases[name] for g in c}):
            seconds = statistics.median(c[group] for c in phases[name])
            print(f"  {group:<9} {seconds:7.1f} worker-s")
    if args.against:
        ratio = statistics.median(walls["this"]) / statistics.median(walls["against"])
        print(f"this / against: {ratio:.2f} of the wall time (goal: at most 0.45)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
