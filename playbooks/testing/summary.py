"""The closing summary of a test run: how many examples ran, failed and were skipped, and why,
and which engine versions served them.

It works alone and under pytest-xdist: the kind of each example travels with its reports (as a
user property), and each worker hands the controller the servers it started when it finishes
(`workeroutput`), so the controller prints one summary for the whole run.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playbooks import engines, paths, results

REQUIRED = pytest.StashKey[set]()  # engines --require-engines names
SERVERS = pytest.StashKey[dict]()  # engine → the Server (or run-time) that served it
MEASUREMENTS = pytest.StashKey[dict]()  # key → value, recorded by claim tests for the pages
VERSIONS = pytest.StashKey[dict]()  # server fixture → (engine, version) of the matrix serving it
KIND_LABELS = {"sql": "SQL", "cypher": "Cypher", "cql": "CQL", "python": "Python"}
CLAIM = "claim"  # the kind of a test of tests/test_claims_*.py: no example, a page's claim
_KIND = "dbarch_kind"
_ID = "dbarch_example_id"  # the example as the site knows it: `source:line`
USED = "dbarch_engines"  # [(engine, version, origin)]: the servers a test used (testing)
STARTED = pytest.StashKey[list]()  # servers a test's factory fixture started (used_server)
_WORKER_SERVERS = "dbarch_servers"
_WORKER_MEASUREMENTS = "dbarch_measurements"


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


class Summary:
    """Counts the examples' outcomes and prints them, with skip reasons and engine versions."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.outcomes: dict[str, tuple[str, str, str]] = {}  # nodeid → (kind, state, reason)
        self.remote: dict[str, tuple[str, str]] = {}  # engine → (version, origin), from workers
        self.examples: dict[str, str] = {}  # nodeid → example id
        self.served: dict[str, list] = {}  # nodeid → [(engine, version, origin)] it ran on
        self.measured: dict[str, Any] = {}  # from workers

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            if type(item).__name__ == "MarkdownInlinePythonItem":
                kind = "Python"
                line = re.search(r"\[line:(\d+)\]", item.nodeid)
                example = f"{item.nodeid.split('::')[0]}:{line[1] if line else 0}"
            elif "example" in getattr(item, "fixturenames", ()):
                kind = KIND_LABELS[item.callspec.params["example"].lang]
                example = str(item.callspec.params["example"])
            elif item.nodeid.startswith("tests/test_claims_"):
                item.user_properties.append((_KIND, CLAIM))
                continue
            else:
                continue
            item.add_marker("dbarch_example")
            item.user_properties += [(_KIND, kind), (_ID, example)]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        kind = properties.get(_KIND)
        if kind is None:
            return
        if report.when == "teardown":
            self.served[report.nodeid] = properties.get(USED, [])
            if _ID in properties:
                self.examples[report.nodeid] = properties[_ID]
        if report.skipped:
            self.outcomes[report.nodeid] = (kind, "skipped", _reason(report))
        elif report.failed:
            self.outcomes[report.nodeid] = (kind, "failed", "")
        elif report.when == "call":
            self.outcomes.setdefault(report.nodeid, (kind, "passed", ""))

    def claims_skipped(self) -> dict[str, str]:
        """Claim tests this run could not check, and why: not claims that pass."""
        return {
            n: reason
            for n, (kind, state, reason) in self.outcomes.items()
            if kind == CLAIM and state == "skipped"
        }

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: tell the controller what it started
            workeroutput[_WORKER_SERVERS] = {
                name: (server.version, server.origin)
                for name, server in self.config.stash[SERVERS].items()
            }
            workeroutput[_WORKER_MEASUREMENTS] = self.config.stash.get(MEASUREMENTS, {})

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {})
        self.remote.update(output.get(_WORKER_SERVERS, {}))
        self.measured.update(output.get(_WORKER_MEASUREMENTS, {}))

    def write_results(self) -> Path | None:
        """This run's outcomes per example and engine version, and its measurements, merged into
        the results file the site reads — for runs of this checkout only (not of pytester's)."""
        if self.config.rootpath.resolve() != paths.DOCS.parent.resolve():
            return None
        by_example: dict[str, dict[str, Any]] = {}
        for nodeid, (_, state, reason) in self.outcomes.items():
            example = self.examples.get(nodeid)
            if example is not None:
                by_example[example] = _by_version(state, reason, self.served.get(nodeid))
        by_claim = {
            nodeid: _by_version(state, reason, self.served.get(nodeid))
            for nodeid, (kind, state, reason) in self.outcomes.items()
            if kind == CLAIM
        }
        measured = {**self.measured, **self.config.stash.get(MEASUREMENTS, {})}
        if not by_example and not measured and not by_claim:
            return None
        return results.merge(by_example, measured, by_claim)

    def servers(self) -> dict[str, tuple[str, str]]:
        """Every engine started in this run, by this process or by any xdist worker."""
        local = {n: (s.version, s.origin) for n, s in self.config.stash[SERVERS].items()}
        return {**self.remote, **local}

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        tr = terminalreporter
        written = self.write_results()
        if written is not None:
            tr.write_line(f"results for the site: {written}")
        skipped_claims = self.claims_skipped()
        examples = [(k, s, r) for k, s, r in self.outcomes.values() if k != CLAIM]
        if not examples and not skipped_claims:
            return
        tr.section("dbarch examples")
        for kind in dict.fromkeys(KIND_LABELS.values()):
            states = Counter(s for k, s, _ in examples if k == kind)
            if not states:
                continue
            tr.write_line(
                f"{kind} examples: {states['passed']} executed and passed, "
                f"{states['failed']} failed, {states['skipped']} skipped"
            )
        reasons = Counter(r for _, s, r in examples if s == "skipped")
        for reason, n in reasons.most_common():
            tr.write_line(f"  skipped {n}: {reason}")
        if skipped_claims:
            # Not claims that pass: claims this run could not check.
            tr.write_line(f"claim tests not verified here: {len(skipped_claims)} skipped")
            for reason, n in Counter(skipped_claims.values()).most_common():
                tr.write_line(f"  not verified {n}: {reason}")
        servers = self.servers()
        for engine, (version, origin) in sorted(servers.items()):
            tr.write_line(f"engine {engine}: {version} ({origin})")
        unused = self.config.stash[REQUIRED] - set(servers)
        if unused:
            tr.write_line(f"required but not started in this run: {', '.join(sorted(unused))}")


def _by_version(state: str, reason: str, served: list | None) -> dict[str, dict[str, str]]:
    """One test's outcome under each server it ran on ("engine version" → outcome)."""
    by_version = {}
    for engine, version, origin in served or [("", "", "")]:
        label = f"{engine} {version}".strip() or "python"
        outcome = {"state": state, "engine": engine, "version": version, "origin": origin}
        by_version[label] = outcome | ({"reason": reason} if reason else {})
    return by_version


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SERVERS] = {}
    config.addinivalue_line("markers", "dbarch_example: runs one example of the handbook")
    config.pluginmanager.register(Summary(config), "dbarch-summary")
    config.pluginmanager.register(_EngineUsage(config), "dbarch-engine-usage")


class _EngineUsage:
    """Per engine server (engine, version, origin): the tests that ran on it, failed, or were
    skipped for want of it.

    Works under xdist too: what a test used travels with its teardown report (a user property).
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.outcome: dict[str, str] = {}  # test id → its outcome, until its teardown report
        self.counts: dict[tuple[str, str, str], Counter[str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # What a test used is known at teardown only (it may ask for fixtures as it runs).
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.outcome[report.nodeid] = report.outcome
            reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
            found = re.match(r"Skipped: (\w+) unavailable", reason)
            if report.skipped and found:
                self.counts.setdefault((found[1], "", "unavailable"), Counter())["skipped"] += 1
                self.outcome.pop(report.nodeid)
        elif report.when == "teardown" and report.nodeid in self.outcome:
            outcome = self.outcome.pop(report.nodeid)
            for served in dict(report.user_properties).get(USED, []):
                self.counts.setdefault(tuple(served), Counter())[outcome] += 1

    def results(self) -> list[dict[str, Any]]:
        rows = []
        for engine, version, origin in sorted(self.counts):
            counts = self.counts[engine, version, origin]
            executed = counts["passed"] + counts["failed"]
            rows.append(
                {"engine": engine, "version": version, "origin": origin, "executed": executed}
                | {"failed": counts["failed"], "skipped": counts["skipped"]}
            )
        return rows

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        rows = self.results()
        if not rows:
            return
        terminalreporter.section("tests per engine version")
        for r in rows:
            terminalreporter.write_line(
                f"{r['engine']} {r['version'] or '-'} ({r['origin']}): {r['executed']} executed"
                f" ({r['failed']} failed), {r['skipped']} skipped"
            )
        path = os.environ.get("DBARCH_ENGINE_RESULTS")
        if path:
            with open(path, "w") as f:
                json.dump(rows, f, indent=1)


def used_server(request: pytest.FixtureRequest, server: engines.Server) -> None:
    """Count the test as run on `server`, one that a factory fixture started for it (a server
    that a fixture returns is seen without this)."""
    request.node.stash.setdefault(STARTED, []).append(server)


@pytest.fixture(autouse=True)
def _engine_usage(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: the engine servers it used, on its report (for the per-version counts):
    the session's servers, any server a fixture of its own returned (a replica pair) or started
    and named (used_server)."""
    yield
    used = {
        (server.product or server.engine, server.version, server.origin)
        for server in request.node.stash.get(STARTED, [])
    }
    for value in getattr(request.node, "funcargs", {}).values():
        for server in value if isinstance(value, tuple) else (value,):
            if isinstance(server, engines.Server) and server.origin != "unavailable":
                used.add((server.product or server.engine, server.version, server.origin))
    servers = request.config.stash[SERVERS]
    for name in request.fixturenames:
        fixture = name.removesuffix("_server")
        if name.endswith("_server") and fixture in engines.ENGINES:
            engine = request.config.stash[VERSIONS].get(fixture, (fixture, ""))[0]
            if engine in servers:
                used.add((engine, servers[engine].version, servers[engine].origin))
    request.node.user_properties.append((USED, sorted(used)))
