"""The example runner itself: it must fail loudly, point at the line, and isolate examples.

Each test runs an inner pytest session (pytester) on a tiny handbook, reusing this session's
servers through the DBARCH_*_URL variables, so no engine starts twice.
"""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TESTS = Path(__file__).parent


@pytest.fixture
def handbook(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """An empty project laid out like ours: docs/, snippets/, the real example and census tests."""
    pytester.makeini(
        "[pytest]\ntestpaths = tests docs\n"
        "addopts = --markdown-docs --markdown-docs-syntax=superfences -p no:cacheprovider\n"
    )
    pytester.mkdir("docs")
    pytester.mkdir("snippets")
    tests = pytester.mkdir("tests")
    pytester.makeconftest('pytest_plugins = ["playbooks.testing"]\n')
    # Other base names than ours: this session has imported modules of those names already.
    for name in ("test_examples.py", "test_census.py"):
        text = (TESTS / name).read_text()
        (tests / name.replace("test_", "test_inner_")).write_text(text.replace(">= 10", ">= 1"))
    return pytester


def use_servers(monkeypatch: pytest.MonkeyPatch, *servers) -> None:
    for server in servers:
        monkeypatch.setenv(f"DBARCH_{server.engine.upper()}_URL", server.url())


def page(pytester: pytest.Pytester, text: str, name: str = "page.md") -> None:
    (pytester.path / "docs" / name).write_text(text)


def test_a_broken_statement_fails_with_page_line_statement_and_engine_error(
    handbook, monkeypatch, postgres_server
):
    use_servers(monkeypatch, postgres_server)
    page(
        handbook,
        "# P\n\nText.\n\n```{.sql data=none}\nSELECT 1;\nSELECT * FROM missing_table;\n```\n",
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/page.md:7: statement 2 of 2 failed on postgres*",
            "*SELECT * FROM missing_table;*",
            '*ERROR 42P01 / undefined_table: relation "missing_table" does not exist*',
        ]
    )


def test_a_broken_snippet_file_fails_with_its_path_and_line(handbook, monkeypatch, postgres_server):
    use_servers(monkeypatch, postgres_server)
    snippet = handbook.path / "snippets" / "postgres" / "broken.sql"
    snippet.parent.mkdir(parents=True)
    snippet.write_text(
        "-- example: data=none\nCREATE TABLE t (id int);\n\nINSERT INTO t VALUES ('x');\n"
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*snippets/postgres/broken.sql:4: statement 2 of 2*", "*22P02*"])


def test_an_expected_error_passes_only_when_it_happens(handbook, monkeypatch, postgres_server):
    use_servers(monkeypatch, postgres_server)
    dup = "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES ({});\n"
    page(
        handbook,
        f"# P\n\n```{{.sql data=none error=unique_violation}}\n{dup.format(1)}```\n\n"
        f"```{{.sql data=none error=23505}}\n{dup.format(2)}```\n",
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*the last statement should fail with 23505, but it succeeded*"])


def test_examples_do_not_see_each_other(handbook, monkeypatch, postgres_server, redis_server):
    use_servers(monkeypatch, postgres_server, redis_server)
    create = (
        "```{.sql data=none}\nCREATE TABLE shared (id int);\nINSERT INTO shared VALUES (1);\n```\n"
    )
    check = (
        "```{.python fixture:redis_client}\nassert redis_client.get('k') is None\n"
        "redis_client.set('k', 'v')\n```\n"
    )
    page(handbook, f"# P\n\n{create}\n{create}\n{check}\n{check}")
    result = handbook.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2 + 2 + 2 + 3)  # runs, parses, Python fences, census


def test_a_missing_engine_is_skipped_with_its_reason_or_fails_when_required(handbook, monkeypatch):
    monkeypatch.delenv("DBARCH_REDIS_URL", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # no local redis-server
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")  # no Docker
    page(handbook, "# P\n\n```{.python fixture:redis_client}\nredis_client.ping()\n```\n")
    skipped = handbook.runpytest("docs")
    skipped.assert_outcomes(skipped=1)
    skipped.stdout.fnmatch_lines(["*skipped 1: redis unavailable: redis: no DBARCH_REDIS_URL set*"])
    required = handbook.runpytest("docs", "--require-engines=redis")
    required.assert_outcomes(errors=1)
    required.stdout.fnmatch_lines(["*redis is required (--require-engines) but unavailable*"])


def test_an_unknown_required_engine_is_a_usage_error(handbook):
    result = handbook.runpytest("--require-engines=postgres,oracle")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown engine(s) oracle*"])


def test_the_census_names_an_unverified_fence(handbook):
    page(
        handbook,
        '# P\n\n```text\nsome output\n```\n\n```{.text norun="shown for reading"}\nok\n```\n',
    )
    result = handbook.runpytest("tests/test_inner_census.py")
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(
        ['*docs/page.md:3: a text fence is neither executed nor norun="reason"*']
    )


def test_sqlglot_catches_a_syntax_error_without_an_engine(handbook):
    page(handbook, "# P\n\n```sql\nSELECT 1;\nSELEC 2 FROM t;\n```\n")
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_parses")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/page.md:5: sqlglot (postgres) cannot parse*", "*SELEC 2 FROM t;*"]
    )


def test_a_shown_output_must_match_what_the_engine_prints(handbook, monkeypatch, postgres_server):
    use_servers(monkeypatch, postgres_server)
    query = "```{.sql data=none}\nSELECT 1 AS one;\nEXPLAIN (COSTS OFF) SELECT 1;\n```\n"
    page(
        handbook,
        f"# P\n\n{query}\n```{{.text output}}\n one\n-----\n   1\n\n Result\n```\n\n"
        f"{query}\n```{{.text output}}\n one\n-----\n   2\n\n Result\n```\n",
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/page.md:*: the output shown for docs/page.md:* result 1 differs*"]
    )


def test_after_starts_an_example_from_the_state_another_snippet_leaves(
    handbook, monkeypatch, postgres_server
):
    use_servers(monkeypatch, postgres_server)
    snippets = handbook.path / "snippets" / "postgres"
    snippets.mkdir(parents=True)
    (snippets / "setup.sql").write_text(
        "-- example: data=none error=division_by_zero\nCREATE TABLE t (v int);\n"
        "INSERT INTO t VALUES (42);\nSELECT 1 / 0;\n"
    )
    (snippets / "query.sql").write_text(
        "-- example: data=none after=postgres/setup.sql\nSELECT v FROM t;\n"
    )
    page(
        handbook,
        '# P\n\n```sql\n--8<-- "postgres/query.sql"\n```\n\n```{.text output}\n v\n----\n 42\n```\n',
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(passed=2)


def test_cypher_runs_on_kuzu_and_a_broken_statement_points_at_its_line(handbook):
    graph = (
        "```{.cypher}\nCREATE NODE TABLE Person(name STRING, PRIMARY KEY (name));\n"
        "// a comment; with a semicolon\nCREATE (:Person {name: 'Ada'});\n```\n"
    )
    broken = "```{.cypher}\nMATCH (p:Nobody) RETURN p;\n```\n"
    page(handbook, f"# P\n\n{graph}\n{broken}")
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*docs/page.md:*: statement 1 of 1 failed on kuzu*", "*Nobody*"])


def test_docker_only_engines_are_skipped_here_with_the_reason(handbook, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    for name in ("DBARCH_CASSANDRA_URL", "DBARCH_MONGODB_URL"):
        monkeypatch.delenv(name, raising=False)
    cql = handbook.path / "snippets" / "cassandra" / "t.cql"
    cql.parent.mkdir(parents=True)
    cql.write_text("CREATE TABLE t (id int PRIMARY KEY);\n")
    page(handbook, "# P\n\n```{.python fixture:mongo_db}\nmongo_db.c.insert_one({'_id': 1})\n```\n")
    result = handbook.runpytest("tests/test_inner_examples.py", "docs", "-k", "test_runs or md")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*skipped 1: cassandra unavailable: cassandra: no DBARCH_CASSANDRA_URL set; no Docker*",
            "*skipped 1: mongodb unavailable: mongodb: no DBARCH_MONGODB_URL set; no Docker*",
        ]
    )


def test_what_a_python_snippet_prints_must_match_the_page(handbook):
    snippet = handbook.path / "snippets" / "python" / "hello.py"
    snippet.parent.mkdir(parents=True)
    snippet.write_text("for n in range(3):\n    print(n * n)\n")
    include = '```python\n--8<-- "python/hello.py"\n```\n'
    page(handbook, f"# P\n\n{include}\n```{{.text output}}\n0\n1\n4\n```\n")
    assert handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs").ret == 0
    page(handbook, f"# P\n\n{include}\n```{{.text output}}\n0\n1\n5\n```\n")
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/page.md:7: the output shown for snippets/python/hello.py:1 differs*"]
    )
