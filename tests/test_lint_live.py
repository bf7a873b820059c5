"""`playbook lint --dsn`: sizes and blocking times from a real database, read-only."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest

from playbooks import paths
from playbooks.engines.readiness import connect
from playbooks.lint import live
from playbooks.sql import run_script, snippet, split_statements

PLAYBOOK = [sys.executable, "-m", "playbooks.cli", "lint"]


@pytest.fixture
def lint_db(pg_databases) -> Iterator[str]:
    """The URL of a database holding the lint fixtures' tables (10,000 rows each)."""
    name = pg_databases.create("none")
    with connect(pg_databases.server, name, autocommit=True) as conn:
        for path in ("postgres/migrations/setup.sql", "lint/setup.sql"):
            run_script(conn, snippet(path))
    yield pg_databases.server.url(name)
    pg_databases.drop(name)


def lint_json(*args: str) -> dict:
    done = subprocess.run([*PLAYBOOK, "--format", "json", *args], capture_output=True, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_findings_get_the_tables_size_and_an_estimated_blocking_time(lint_db):
    bad = str(paths.SNIPPETS / "lint/column-type-change/bad.sql")
    (finding,) = lint_json("--dsn", lint_db, bad)["findings"]
    assert finding["table"] == "counters" and finding["rows"] == 10000
    assert finding["heap_bytes"] > 0
    expected = finding["heap_bytes"] / 2**20 / live.RATES_MB_S["rewrite"]
    assert finding["blocks_seconds"] == pytest.approx(expected)
    assert "counters: about 10,000 rows" in finding["message"]
    # a brief lock (a rename) gets no estimate: it blocks for a catalog change only
    rename = str(paths.SNIPPETS / "lint/rename-column/bad.sql")
    (finding,) = lint_json("--dsn", lint_db, rename)["findings"]
    assert finding["blocks_seconds"] is None


def test_an_index_that_already_exists_satisfies_fk_without_index(lint_db, pg_databases):
    bad = str(paths.SNIPPETS / "lint/fk-without-index/bad.sql")
    assert [f["rule"] for f in lint_json("--dsn", lint_db, bad)["findings"]] == ["fk-without-index"]
    name = lint_db.rsplit("/", 1)[1]
    with connect(pg_databases.server, name, autocommit=True) as conn:
        conn.execute("CREATE INDEX payments_account_id_idx ON payments (account_id)")
    assert lint_json("--dsn", lint_db, bad)["findings"] == []


def test_the_lint_connection_is_read_only(lint_db, pg_databases):
    name = lint_db.rsplit("/", 1)[1]
    before = time.time()
    lint_json("--dsn", lint_db, str(paths.SNIPPETS / "lint/column-type-change/bad.sql"))
    with connect(pg_databases.server, name, autocommit=True) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_class WHERE relname = 'counters'")
        assert tables.fetchone() == (1,)
        # nothing was changed: the table still has its int key
        kind = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'counters'::regclass AND attname = 'id'"
        ).fetchone()
        assert kind == ("integer",)
    assert time.time() - before < 60


def test_an_unreachable_database_is_one_line_and_exit_2():
    bad = str(paths.SNIPPETS / "lint/column-type-change/bad.sql")
    done = subprocess.run(
        [*PLAYBOOK, "--dsn", "postgresql://nobody:secret@127.0.0.1:1/x", bad],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert "secret" not in done.stderr


def test_the_estimate_scales_with_the_table_as_the_rewrite_does(new_pg_db):
    # Rates measured on a small table predict a rewrite three times its size. Measured and
    # predicted three times over, each time back to back, and judged by the median: under
    # make test the other workers' load comes in bursts, and a burst during one rewrite and not
    # the other (seen: 0.34 s predicted, 1.71 s taken) is no fault of the estimate.
    conn = new_pg_db("none")
    conn.execute(
        "CREATE TABLE big AS SELECT i::int AS id, md5(i::text) AS s, i % 100 AS n "
        "FROM generate_series(1, 300000) AS i"
    )
    conn.execute("ALTER TABLE big ADD PRIMARY KEY (id)")
    pairs = []
    for column_type in ("bigint", "int", "bigint"):  # each change rewrites the whole table
        rates = live.measure_rates(conn, rows=100_000)
        heap = conn.execute("SELECT pg_relation_size('big')").fetchone()[0]
        start = time.perf_counter()
        conn.execute(f"ALTER TABLE big ALTER COLUMN id TYPE {column_type}")
        pairs.append((heap / 2**20 / rates["rewrite"], time.perf_counter() - start))
    assert 1 / 3 < statistics.median(p / t for p, t in pairs) < 3, pairs


@pytest.mark.parametrize("rule", ["no-index-for-predicate", "no-index-for-order"])
def test_a_query_no_index_serves_is_reported_until_the_index_exists(pg_url, rule):
    bad, good = (str(paths.SNIPPETS / f"lint/{rule}/{k}.sql") for k in ("bad", "good"))
    assert lint_json("--queries", bad)["findings"] == []  # the plan needs the database
    assert [f["rule"] for f in lint_json("--queries", "--dsn", pg_url, bad)["findings"]] == [rule]
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the good fixture: index, query
        for statement in split_statements(snippet(f"lint/{rule}/good.sql")):
            conn.execute(statement.text)
    assert lint_json("--queries", "--dsn", pg_url, good)["findings"] == []


def test_a_query_the_database_cannot_plan_is_reported_not_passed(pg_url, tmp_path):
    queries = tmp_path / "q.sql"
    queries.write_text("SELECT id FROM nowhere;\nSELECT id FROM orders WHERE id = $1;\n")
    found = lint_json("--queries", "--dsn", pg_url, str(queries))["findings"]
    assert [(f["rule"], f["line"]) for f in found] == [("not-explained", 1), ("not-explained", 2)]
    assert 'relation "nowhere" does not exist' in found[0]["message"]


def test_without_pg_version_the_rules_follow_the_servers_version(pg_url, tmp_path):
    """A virtual generated column rewrites nothing from PostgreSQL 18 on; linted against a
    server, the migration is judged for that server's version unless --pg-version says
    otherwise, which wins and is named."""
    migration = tmp_path / "generated.sql"
    migration.write_text(
        "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n"
        "ALTER TABLE orders ADD COLUMN doubled numeric GENERATED ALWAYS AS (total * 2);\n"
    )
    with psycopg.connect(pg_url) as conn:
        major = conn.info.server_version // 10000
    found = lint_json("--dsn", pg_url, str(migration))
    assert found["judged_for"] == f"PostgreSQL {major}"
    assert [f["rule"] for f in found["findings"]] == (
        [] if major >= 18 else ["add-column-rewrites"]
    )
    other = 17 if major == 18 else 18
    done = subprocess.run(
        [*PLAYBOOK, "--pg-version", str(other), "--dsn", pg_url, str(migration)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert f"1 file(s) checked for PostgreSQL {other}: " in done.stdout
    assert done.stderr == (
        f"playbook lint: judged for PostgreSQL {other} (--pg-version); "
        f"the --dsn server runs {major}\n"
    )
    # What the server does with it: on 18 the column is virtual and the table keeps its file;
    # before 18 the statement does not parse without STORED, and with it the table is rewritten.
    with psycopg.connect(pg_url, autocommit=True) as conn:
        node = "SELECT pg_relation_filenode('orders')"
        before = conn.execute(node).fetchone()[0]
        alter = migration.read_text().splitlines()[-1]
        if major >= 18:
            conn.execute(alter)
        else:
            with pytest.raises(psycopg.errors.SyntaxError):  # STORED is required
                conn.execute(alter)
            conn.execute(alter.replace(");", ") STORED;"))
        assert (conn.execute(node).fetchone()[0] != before) == (major < 18)
