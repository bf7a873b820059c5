"""Command-line options, and the policy for an engine that cannot be had."""

from __future__ import annotations

import pytest

from playbooks import engines
from playbooks.testing.summary import MEASUREMENTS, REQUIRED, SERVERS, VERSIONS

# What --require-engines accepts: the servers of playbooks.engines, and other run-times the
# suite needs that a machine may lack (PgBouncer in front of PostgreSQL, the site test's browser).
KNOWN_ENGINES = (*engines.ENGINES, "pgbouncer", "kuzu", "chromium", "patroni", "haproxy")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dbarch")
    group.addoption(
        "--require-engines",
        default="",
        metavar="LIST",
        help=f"comma-separated engines ({', '.join(KNOWN_ENGINES)}) that must be available: "
        "an example needing one that cannot be started fails instead of being skipped",
    )
    group.addoption(
        "--engine-versions",
        default="",
        metavar="LIST",
        help="engine versions of the matrix to run in containers, one per engine, e.g. "
        "postgres:17,mariadb:11.8,redis:8 (mysql:9.7 serves the MariaDB examples); "
        "engines not named run from local binaries",
    )


def pytest_configure(config: pytest.Config) -> None:
    required = {e for e in config.getoption("--require-engines").split(",") if e}
    unknown = required - set(KNOWN_ENGINES)
    if unknown:
        raise pytest.UsageError(
            f"--require-engines: unknown engine(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(KNOWN_ENGINES)}"
        )
    if (
        not hasattr(config, "workerinput")
        and config.getoption("numprocesses", None)
        and config.getoption("dist", "no") != "loadgroup"
    ):
        # A plain -n split the high-availability module across workers, each starting a
        # cluster of its own, and two of its tests failed: say so before anything starts.
        raise pytest.UsageError(
            "-n needs --dist loadgroup here (make test passes it): the tests of one "
            "xdist_group (a module's own server or cluster, the built site) must stay on one "
            "worker"
        )
    config.stash[REQUIRED] = required
    config.stash[VERSIONS] = engine_versions(config.getoption("--engine-versions"))
    if config.stash[VERSIONS]:
        _share_one_dockerd(config)


def _share_one_dockerd(config: pytest.Config) -> None:
    """Under xdist, one Docker daemon for every worker, started here before they are: one data
    root holds one daemon, so a worker starting its own would wait for another worker's to stop,
    which it does only when the run ends (a run that hung 10 minutes, then failed). scripts/matrix
    starts it itself and names it in DBARCH_DOCKER_SOCKET, which the workers inherit."""
    import os

    from playbooks.engines.dockerd import Dockerd, DockerUnavailable

    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return
    if os.environ.get("DBARCH_DOCKER_SOCKET"):
        return
    try:
        daemon = Dockerd().start()
    except DockerUnavailable:
        return  # each worker says why its containers cannot start
    os.environ["DBARCH_DOCKER_SOCKET"] = str(daemon.socket)

    def stop() -> None:
        os.environ.pop("DBARCH_DOCKER_SOCKET", None)
        daemon.stop()

    config.add_cleanup(stop)


def unavailable(config: pytest.Config, engine: str, reason: str) -> None:
    """Skip the test, with the reason, or fail it when the run requires this engine."""
    if engine in config.stash[REQUIRED]:
        pytest.fail(f"{engine} is required (--require-engines) but unavailable: {reason}", False)
    pytest.skip(f"{engine} unavailable: {reason}")


def served(config: pytest.Config, fixture: str) -> tuple[str, str]:
    """(engine, version) this run serves `fixture`'s engine with: a version of the matrix under
    --engine-versions (MySQL for mariadb, say), else (fixture, ""), this machine's own."""
    return config.stash[VERSIONS].get(fixture, (fixture, ""))


def own_server(config: pytest.Config, fixture: str, purpose: str) -> engines.Server:
    """A server of a test's own (not the session's shared one) of the engine and version this
    run serves `fixture` with: in a container for a version of the matrix, else of this
    machine's binaries. Unavailable (skipped, or failed when required) says `purpose`."""
    engine, version = served(config, fixture)
    try:
        return engines.start(engine, version) if version else engines.start_local(engine)
    except engines.EngineUnavailable as e:
        unavailable(config, fixture, f"{purpose}: {e}")
        raise  # not reached: unavailable() skips or fails


def record_engine(config: pytest.Config, name: str, version: str, origin: str = "local") -> None:
    """Name, in the closing summary, a run-time that is no server of ours (the browser, a tool
    beside a server: in a container when that server is in one)."""
    config.stash[SERVERS][name] = engines.Server(name, "", 0, origin=origin, version=version)


def record_measurement(config: pytest.Config, key: str, value: float | int | str) -> None:
    """Keep a value a claim test measured for the results file, where a page shows it at
    `<!-- measured: key -->` (a restore's RTO, say)."""
    config.stash.setdefault(MEASUREMENTS, {})[key] = value


# The engines a server fixture may be served by: MySQL runs every MariaDB example.
_SERVED_BY = {"mysql": "mariadb"}


def engine_versions(option: str) -> dict[str, tuple[str, str]]:
    """`postgres:17,mysql:9.7` → {"postgres": ("postgres", "17"), "mariadb": ("mysql", "9.7")}:
    for each server fixture, the engine and version of the matrix that serves it."""
    from playbooks.engines import images

    chosen: dict[str, tuple[str, str]] = {}
    for item in filter(None, option.replace(" ", ",").split(",")):
        engine, _, version = item.partition(":")
        try:
            images.image(engine, version)
        except ValueError as e:
            raise pytest.UsageError(f"--engine-versions: {e}") from None
        fixture = _SERVED_BY.get(engine, engine)
        if fixture in chosen:
            raise pytest.UsageError(
                f"--engine-versions: {item} and {':'.join(chosen[fixture])} both serve {fixture}: "
                "one version per engine per run (make test-matrix runs each)"
            )
        chosen[fixture] = (engine, version)
    return chosen
