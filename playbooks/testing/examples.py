"""Every runnable example of the pages and snippets as a test parameter, and the fixture that
runs one. The executor (playbooks.runner) knows nothing of pytest: here an ExampleFailure
fails the test."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import replace

import pytest

from playbooks import output, runner
from playbooks.examples import Collection, Example, collect
from playbooks.replay import exec_python

# Fixtures that hand the runner a client for an engine whose statements it sends one by one.
_STATEMENT_CLIENTS = {
    "kuzu": "kuzu_conn",
    "neo4j": "neo4j_session",
    "cassandra": "cassandra_session",
}


_COLLECTION = pytest.StashKey[Collection]()


def collection(config: pytest.Config) -> Collection:
    if _COLLECTION not in config.stash:
        config.stash[_COLLECTION] = collect(config.rootpath)
    return config.stash[_COLLECTION]


@pytest.fixture(scope="session")
def examples_collection(pytestconfig: pytest.Config) -> Collection:
    return collection(pytestconfig)


# Every test on the `large` data set runs on one xdist worker, which builds its template (200,000
# orders, several CPU-seconds) once; spread over the workers, each built it.
ON_LARGE_DATA = pytest.mark.xdist_group("large-data")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    found = collection(metafunc.config).examples
    if "example" in metafunc.fixturenames:
        params = [
            pytest.param(e, marks=ON_LARGE_DATA)
            if e.engine == "postgres" and e.data == "large"
            else e
            for e in found
        ]
        metafunc.parametrize("example", params, ids=str)
    if "sql_example" in metafunc.fixturenames:
        sql = [e for e in found if e.lang == "sql"]
        metafunc.parametrize("sql_example", sql, ids=str)


def check_parses(example: Example) -> None:
    """The fast first tier: every statement parses with sqlglot in the engine's dialect."""
    try:
        runner.check_parses(example)
    except runner.ExampleFailure as failure:
        pytest.fail(str(failure), False)


@pytest.fixture
def run_example(request: pytest.FixtureRequest) -> Callable[[Example], None]:
    def run(example: Example) -> None:
        try:
            _run(request, example)
        except runner.ExampleFailure as failure:
            pytest.fail(str(failure), False)

    return run


def _run(request: pytest.FixtureRequest, example: Example) -> None:
    if example.lang == "python":
        names = {n: request.getfixturevalue(n) for n in example.fixtures}
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec_python(example.code, request.config.rootpath / example.source, names)
        if example.output is not None:
            problem = output.printed_differences(example.output, printed.getvalue())
            if problem:
                raise runner.ExampleFailure(
                    f"{example.output_at}: the output shown for {example} {problem}"
                )
    elif example.engine == "postgres":
        connection = request.getfixturevalue("new_pg_db")(example.data)
        by_source = {e.source: e for e in collection(request.config).examples}
        for path in example.after:
            if f"snippets/{path}" not in by_source:
                raise runner.ExampleFailure(f"{example}: after={path}: no such snippet example")
            runner.run_sql(replace(by_source[f"snippets/{path}"], output=None), connection)
        runner.run_sql(example, connection)
    elif example.engine in _STATEMENT_CLIENTS:
        client = request.getfixturevalue(_STATEMENT_CLIENTS[example.engine])
        runner.run_statements(example, client)
    else:
        runner.run_sql(example, request.getfixturevalue("mariadb_conn"))
