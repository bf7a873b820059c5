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


def test_an_expected_error_must_be_that_error_and_come_from_the_last_statement(
    handbook, monkeypatch, postgres_server
):
    use_servers(monkeypatch, postgres_server)
    other_error = "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES ('x');\n"
    too_early = (
        "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\n"
        "INSERT INTO t VALUES (1);\nSELECT 1;\n"
    )
    page(
        handbook,
        f"# P\n\n```{{.sql data=none error=unique_violation}}\n{other_error}```\n\n"
        f"```{{.sql data=none error=unique_violation}}\n{too_early}```\n",
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*docs/page.md:5: statement 2 of 2 failed on postgres (expected unique_violation*",
            "*ERROR 22P02 / invalid_text_representation*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*docs/page.md:11: statement 3 of 4 failed on postgres (expected unique_violation*"]
    )


def test_a_mariadb_error_is_matched_by_its_number(handbook, monkeypatch, mariadb_server):
    use_servers(monkeypatch, mariadb_server)
    dup = "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1), (1);\n"
    page(
        handbook,
        f"# P\n\n```{{.sql engine=mariadb error=1062}}\n{dup}```\n\n"
        f"```{{.sql engine=mariadb error=1146}}\n{dup}```\n",
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*(expected 1146 from the last statement)*", "*ERROR 1062*"])


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
    result.assert_outcomes(passed=2 + 2 + 2 + 4)  # runs, parses, Python fences, census


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
        '# P\n\n```text\nsome output\n```\n\n```{.text norun="shown for reading"}\nok\n```\n'
        '\n```{.text norun=" "}\nno reason\n```\n',
    )
    result = handbook.runpytest("tests/test_inner_census.py")
    result.assert_outcomes(failed=1, passed=3)
    result.stdout.fnmatch_lines(
        [
            '*docs/page.md:3: a text fence is neither executed nor norun="reason"*',
            '*docs/page.md:11: norun needs a reason: norun="why this cannot run"*',
        ]
    )
    assert "docs/page.md:7" not in result.stdout.str()


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


def test_a_condition_shown_under_a_plan_node_must_be_the_engines(
    handbook, monkeypatch, postgres_server
):
    use_servers(monkeypatch, postgres_server)
    query = (
        "```{.sql data=none}\nCREATE TABLE t (id int);\n"
        "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE id > 1;\n```\n"
    )
    plan = "```{{.text output}}\n Seq Scan on t\n   Filter: (id > {})\n```\n"
    page(handbook, f"# P\n\n{query}\n{plan.format(1)}\n{query}\n{plan.format(2)}")
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*the output shown for docs/page.md:* a line shown under *(Filter: (id > 2))*"]
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


def test_under_xdist_the_summary_counts_every_worker_once_and_a_required_engine_still_fails(
    handbook, monkeypatch, postgres_server
):
    use_servers(monkeypatch, postgres_server)
    monkeypatch.delenv("DBARCH_REDIS_URL", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # no local redis-server
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")  # no Docker
    # The subprocess imports playbooks from this checkout, not from wherever it is installed.
    monkeypatch.setenv("PYTHONPATH", str(TESTS.parent))
    sql = "".join(f"```{{.sql data=none}}\nSELECT {n};\n```\n\n" for n in range(4))
    page(handbook, f"# P\n\n{sql}```{{.python fixture:redis_client}}\nredis_client.ping()\n```\n")
    result = handbook.runpytest_subprocess(
        *(
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "tests/test_inner_examples.py",
            "docs",
            "-k",
            "test_runs or CodeFence",
        ),
        "--require-engines=postgres,redis",
    )
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*redis is required (--require-engines) but unavailable*",
            "*= dbarch examples =*",
            "SQL examples: 4 executed and passed, 0 failed, 0 skipped",
            "Python examples: 0 executed and passed, 1 failed, 0 skipped",
            "engine postgres: * (env)",
            "required but not started in this run: redis",
        ]
    )
    assert result.stdout.str().count("dbarch examples") == 1
    assert "gw0" in result.stdout.str() or "2 workers" in result.stdout.str()


def test_a_server_that_a_factory_fixture_started_counts_for_its_version(handbook):
    """A test's own server, started by a factory fixture (a Redis of the matrix's version, say),
    counts in the per-version summary once the fixture names it with used_server."""
    (handbook.path / "tests" / "test_claims_inner.py").write_text(
        "import pytest\n"
        "from playbooks.engines import Server\n"
        "from playbooks.testing.summary import used_server\n\n\n"
        "@pytest.fixture\n"
        "def own_server(request):\n"
        "    def make():\n"
        "        server = Server('redis', '127.0.0.1', 1, version='8.0.2', origin='container')\n"
        "        used_server(request, server)\n"
        "        return server\n"
        "    return make\n\n\n"
        "def test_a_claim(own_server):\n"
        "    assert own_server().version == '8.0.2'\n"
    )
    result = handbook.runpytest("tests/test_claims_inner.py")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["redis 8.0.2 (container): 1 executed (0 failed), 0 skipped"])


def test_a_skipped_claim_test_is_reported_as_not_verified_here(handbook):
    (handbook.path / "tests" / "test_claims_inner.py").write_text(
        "import pytest\n\n\ndef test_a_claim():\n    pytest.skip('mongodb unavailable: no server')\n"
    )
    result = handbook.runpytest("tests/test_claims_inner.py")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [
            "claim tests not verified here: 1 skipped",
            "  not verified 1: mongodb unavailable: no server",
        ]
    )


# --- what each version prints: output blocks in content tabs titled with versions -------------


def _tabs(*tabs: tuple[str, str, str]) -> str:
    """Content tabs, each (title, extra fence attributes, body) holding an output block."""
    out = ""
    for title, attrs, body in tabs:  # in the order given: the census wants the newest first
        inner = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
        out += f'=== "{title}"\n\n    ```{{.text output{attrs}}}\n{inner}    ```\n\n'
    return out


def _majors(postgres_server) -> tuple[str, str]:
    """The major version of the server these tests run on, and a version of the matrix it isn't."""
    major = postgres_server.version.split(".")[0]
    return major, "18" if major != "18" else "15"


TWO = " one\n-----\n   2\n"


def test_each_version_is_compared_with_the_tab_that_names_it(
    handbook, monkeypatch, postgres_server
):
    use_servers(monkeypatch, postgres_server)
    mine, other = _majors(postgres_server)
    query = "```{.sql data=none}\nSELECT 2 AS one;\n```\n\n"
    wrong = " one\n-----\n   3\n"
    tabs = [(f"PostgreSQL {other}", "", wrong), (f"PostgreSQL 9 and {mine}", "", TWO)]
    page(
        handbook,
        "# P\n\n" + query + _tabs(*sorted(tabs, key=lambda t: -int(t[0].split()[-1]))),
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "tests/test_inner_census.py")
    result.assert_outcomes(passed=2 + 4)  # runs and parses, the census
    # The tab of this server's version shows a different result: the example fails, at that tab.
    page(
        handbook,
        "# P\n\n"
        + query
        + _tabs((f"PostgreSQL {mine}", "", wrong), (f"PostgreSQL {other}", "", TWO)),
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/page.md:9: the output shown for docs/page.md:4 result 1 differs*"]
    )


def test_a_version_that_no_tab_names_fails(handbook, monkeypatch, postgres_server):
    use_servers(monkeypatch, postgres_server)
    mine, other = _majors(postgres_server)
    query = "```{.sql data=none}\nSELECT 2 AS one;\n```\n\n"
    page(
        handbook,
        "# P\n\n" + query + _tabs((f"PostgreSQL {other}", "", TWO), ("MySQL " + mine, "", TWO)),
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*docs/page.md:9: no content tab shows what docs/page.md:4 does on PostgreSQL {mine}.*"]
    )


def test_a_tab_says_on_which_versions_the_example_fails(handbook, monkeypatch, postgres_server):
    use_servers(monkeypatch, postgres_server)
    mine, other = _majors(postgres_server)
    dup = "```{.sql data=none}\nCREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1) RETURNING id;\n```\n\n"
    error = 'ERROR:  duplicate key value violates unique constraint "t_pkey"\nDETAIL:  Key (id)=(1) already exists.'
    ok = " id\n----\n  1\n"
    fails_here = _tabs(
        (f"PostgreSQL {mine}", " error=unique_violation", error), (f"PostgreSQL {other}", "", ok)
    )
    page(handbook, "# P\n\n" + dup + fails_here)
    assert handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs").ret == 0
    # The other way round: the tab of this version says it succeeds; the engine raised.
    swapped = _tabs(
        (f"PostgreSQL {other}", " error=unique_violation", error), (f"PostgreSQL {mine}", "", ok)
    )
    page(handbook, "# P\n\n" + dup + swapped)
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/page.md:6: statement 3 of 3 failed on postgres*", "*23505*"]
    )
    # The example says it fails everywhere; the tab of this version says error=none: it must not.
    page(
        handbook,
        "# P\n\n"
        + dup.replace("data=none", "data=none error=23505")
        + swapped.replace(
            f'"PostgreSQL {mine}"\n\n    ```{{.text output',
            f'"PostgreSQL {mine}"\n\n    ```{{.text output error=none',
        ),
    )
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/page.md:6: statement 3 of 3 failed on postgres*"])


def test_the_census_wants_versions_in_the_title_of_a_tab_holding_an_output(handbook):
    query = "```{.sql data=none}\nSELECT 2 AS one;\n```\n\n"
    page(handbook, "# P\n\n" + query + _tabs(("Newest", "", TWO), ("PostgreSQL 17", "", TWO)))
    result = handbook.runpytest("tests/test_inner_census.py", "-k", "every_fence")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/page.md:*: the content tab 'Newest' names no version*"])
    page(
        handbook,
        "# P\n\n" + query + _tabs(("PostgreSQL 17 and 18", "", TWO), ("PostgreSQL 18", "", TWO)),
    )
    result = handbook.runpytest("tests/test_inner_census.py", "-k", "every_fence")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/page.md:*: postgres 18 shown twice: here and in the tab at docs/page.md:9*"]
    )


def test_tab_titles_name_engines_and_versions() -> None:
    from playbooks.examples import tab_versions, version_matches

    assert tab_versions("PostgreSQL 17 and 18") == (("postgres", "17"), ("postgres", "18"))
    assert tab_versions("MariaDB 10.11, 11.8 and MySQL 9.7") == (
        ("mariadb", "10.11"),
        ("mariadb", "11.8"),
        ("mysql", "9.7"),
    )
    assert tab_versions("PostgreSQL") == () and tab_versions("PostgreSQL 17 or newer") == ()
    assert version_matches("17", "17.12") and version_matches("10.11", "10.11.19")
    assert not version_matches("1", "17.12") and not version_matches("11", "10.11.19")


def test_the_newest_version_is_the_first_tab(handbook):
    query = "```{.sql data=none}\nSELECT 2 AS one;\n```\n\n"
    page(
        handbook, "# P\n\n" + query + _tabs(("PostgreSQL 15", "", TWO), ("PostgreSQL 18", "", TWO))
    )
    result = handbook.runpytest("tests/test_inner_census.py", "-k", "every_fence")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the newest version comes first: put 'PostgreSQL 18' before*"])


def test_code_in_tabs_runs_the_tab_that_names_the_server_and_only_that(
    handbook, monkeypatch, postgres_server
):
    use_servers(monkeypatch, postgres_server)
    mine, other = _majors(postgres_server)

    def code_tabs(fails_on: str, names: tuple[str, str] = (mine, other)) -> str:
        out = "# P\n\n"
        for major in names:
            # The same code in every tab; each tab says whether it fails on its versions.
            code, error = "SELECT 1 / 0;", " error=division_by_zero" if major == fails_on else ""
            out += f'=== "PostgreSQL {major}"\n\n    ```{{.sql data=none{error}}}\n    {code}\n    ```\n\n'
        return out

    page(handbook, code_tabs(fails_on=mine))
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(passed=1)  # one example for the group of tabs
    # The tab of this version says it succeeds, the other that it fails: wrong, so it fails.
    page(handbook, code_tabs(fails_on=other))
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/page.md:*: statement 1 of 1 failed on postgres*"])
    page(handbook, code_tabs(fails_on=other, names=(other, "9")))
    result = handbook.runpytest("tests/test_inner_examples.py", "-k", "test_runs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*docs/page.md:*: no content tab shows the code for PostgreSQL {mine}.*"]
    )


def test_tests_of_one_xdist_group_run_on_one_worker(pytester: pytest.Pytester) -> None:
    """`make test` runs with --dist loadgroup, and the claim modules that share one server or
    cluster (backup, high availability, security) rely on it; pytest 9.2 breaks it silently."""
    pytester.makepyfile(
        test_grouped="""
import pytest
pytestmark = pytest.mark.xdist_group("one")

@pytest.mark.parametrize("n", range(6))
def test_worker(n):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-n", "3", "--dist", "loadgroup", "-v")
    result.assert_outcomes(passed=6)
    workers = [line.split()[0] for line in result.outlines if " PASSED " in line]
    assert len(workers) == 6 and len(set(workers)) == 1, workers
    # With the suite's plugin, -n without --dist loadgroup is refused before anything runs.
    pytester.makeconftest('pytest_plugins = ["playbooks.testing.options"]')
    refused = pytester.runpytest_subprocess("-n", "3")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(["*-n needs --dist loadgroup here (make test passes it)*"])
