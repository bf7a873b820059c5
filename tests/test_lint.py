"""`playbook lint` as a user runs it: files, directories, stdin, formats, ignores, exit codes,
and bad input (binary, unreadable, oversized, unparseable) — one line on stderr, exit 2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

from playbooks import lint, paths
from playbooks.lint import lint_text

PLAYBOOK = [sys.executable, "-m", "playbooks.cli"]
BAD = paths.SNIPPETS / "lint/add-column-rewrites/bad.sql"
GOOD = paths.SNIPPETS / "lint/add-column-rewrites/good.sql"


def playbook(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PLAYBOOK, "lint", *args], input=stdin, capture_output=True, timeout=60)


def test_exit_codes_clean_findings_and_info_only(tmp_path):
    assert playbook(str(GOOD)).returncode == 0
    done = playbook(str(BAD))
    assert done.returncode == 1
    assert f"{BAD}:5: warning [add-column-rewrites]" in done.stdout.decode()
    info_only = tmp_path / "info.sql"
    info_only.write_text(
        "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n"
        "CREATE TABLE t (id bigint, name varchar(20));\n"
    )
    done = playbook(str(info_only))
    assert done.returncode == 0 and "[prefer-text]" in done.stdout.decode()


def test_a_directory_and_stdin(tmp_path):
    done = playbook(str(paths.SNIPPETS / "lint/add-column-rewrites"))
    assert done.returncode == 1 and "2 file(s) checked" in done.stdout.decode()
    done = playbook("-", stdin=BAD.read_bytes())
    assert done.returncode == 1 and "-:5: warning [add-column-rewrites]" in done.stdout.decode()


def test_json_and_github_formats():
    data = json.loads(playbook("--format", "json", str(BAD)).stdout)
    assert [f["rule"] for f in data["findings"]] == ["add-column-rewrites"]
    assert data["findings"][0]["line"] == 5 and data["files"] == 1
    out = playbook("--format", "github", str(BAD)).stdout.decode()
    assert out.startswith(f"::warning file={BAD},line=5,title=add-column-rewrites::")


def test_ignore_needs_a_reason():
    sql = (
        "SET lock_timeout = '1s'; SET statement_timeout = '1min';\n"
        "-- playbook: ignore drop-table {}\n"
        "DROP TABLE old_things;\n"
    )
    assert lint_text(sql.format("archived in 2025; nothing reads it")) == []
    rules = [f.rule for f in lint_text(sql.format(""))]
    assert rules == ["ignore-without-reason", "drop-table"]


def test_unparseable_sql_is_a_finding_at_its_line_and_the_rest_is_still_checked():
    sql = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nALTER TABLE t ADD COLUMN;\nDROP TABLE t;\n"
    findings = lint_text(sql, "m.sql")
    assert [(f.rule, f.line) for f in findings] == [("parse-error", 3), ("drop-table", 4)]
    assert 'syntax error at or near ";"' in findings[0].message


def test_the_pg_version_changes_what_is_flagged():
    sql = "SET lock_timeout = '1s'; SET statement_timeout = '1min';\n"
    detach = sql + "ALTER TABLE t DETACH PARTITION p;\n"
    assert lint_text(detach, pg_version=13) == []
    assert [f.rule for f in lint_text(detach, pg_version=14)] == ["detach-partition-blocks"]


def test_list_rules_names_each_rule_with_its_lock():
    out = subprocess.run(
        [*PLAYBOOK, "lint", "--list-rules", "--pg-version", "15"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(out.splitlines()) == len(lint.RULES)
    assert "[ACCESS EXCLUSIVE; rewrites, scans]" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary", "binary file"),
        (b"SELECT '\xff\xfe';", "not UTF-8"),
    ],
)
def test_binary_input_is_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "m.sql"
    path.write_bytes(content)
    done = playbook(str(path))
    assert done.returncode == 2 and message in done.stderr.decode()
    assert len(done.stderr.decode().splitlines()) == 1


def test_unreadable_and_missing_files_are_refused(tmp_path):
    done = playbook(str(tmp_path / "missing.sql"))
    assert done.returncode == 2 and "cannot read it" in done.stderr.decode()
    done = playbook(str(tmp_path))
    assert done.returncode == 2 and "no .sql file" in done.stderr.decode()
    for too_old in ("9", "11"):  # 11 has no REINDEX … CONCURRENTLY, which a rule prints
        done = subprocess.run(
            [*PLAYBOOK, "lint", "--pg-version", too_old, str(BAD)], capture_output=True
        )
        assert done.returncode == 2
        assert f"--pg-version {too_old}: supported are 12 to 18" in done.stderr.decode()
    if os.geteuid() != 0:  # root reads any file
        locked = tmp_path / "locked.sql"
        locked.write_text("SELECT 1;")
        locked.chmod(0)
        assert playbook(str(locked)).returncode == 2


def test_a_100_mb_file_is_refused_without_reading_it_whole(tmp_path):
    big = tmp_path / "big.sql"
    with open(big, "wb") as f:
        f.truncate(100 * 2**20)  # sparse: 100 MB of NUL bytes, none written to disk
    # VmHWM, the peak of this process's own memory: ru_maxrss would also count the forked copy
    # of a big parent (an xdist worker) that existed before exec.
    code = (
        "import re, sys; from pathlib import Path; from playbooks.cli import main;"
        "rc = main(['lint', sys.argv[1]]);"
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text());"
        "print(hwm.group(1), file=sys.stderr); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(big)], capture_output=True, text=True)
    assert done.returncode == 2 and "larger than 16 MiB" in done.stderr
    max_rss_kb = int(done.stderr.splitlines()[-1])
    assert max_rss_kb < 100 * 1024  # under 100 MB: the file was not read whole


def test_a_thousand_statements_lint_in_under_a_second():
    text = "".join(
        f"ALTER TABLE t{i % 50} ADD COLUMN c{i} text;\nCREATE INDEX CONCURRENTLY i{i} ON t{i % 50} (c{i});\n"
        for i in range(500)
    )
    start = time.process_time()  # CPU time: the wall clock counts the other test workers too
    findings = lint_text(text)
    assert time.process_time() - start < 1.0
    assert [f.rule for f in findings] == ["require-timeout"]


def test_the_handbook_migrations_are_read_as_the_page_says(tmp_path):
    # every pattern the migrations chapter calls blocking is flagged; the safe ones are not
    folder = paths.SNIPPETS / "postgres/migrations"
    flagged = {
        p.name: {f.rule for f in lint_text(p.read_text(), p.name) if f.fails} - {"require-timeout"}
        for p in sorted(folder.glob("*.sql"))
        if p.name not in ("setup.sql", "timeouts.sql")
    }
    assert flagged["add-column-volatile.sql"] == {"add-column-rewrites"}
    assert flagged["create-index.sql"] == {"create-index-blocks-writes"}
    assert flagged["fk-direct.sql"] == {"constraint-missing-not-valid", "fk-without-index"}
    assert flagged["not-null-direct.sql"] == {"set-not-null-scans"}
    assert flagged["rename-direct.sql"] == {"rename-column"}
    assert flagged["reindex.sql"] == {"reindex-blocks"}
    for safe in (
        "add-column-nullable.sql",
        "add-column-default.sql",
        "not-null-check.sql",
        "create-index-concurrently.sql",
        "reindex-concurrently.sql",
    ):
        assert flagged[safe] == set(), safe
    assert Path(folder / "setup.sql").exists()


def page_table(page: Path) -> list[tuple[str, int, str, str, str]]:
    """The rows of a lint page's table: rule, from version, lock, rewrites, reads every row."""
    rows = []
    for line in page.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 5:
            rows.append((cells[0].strip("`"), int(cells[1]), *cells[2:]))
    return rows


NO_FIXTURES = {"parse-error", "ignore-without-reason", "opaque-statement", "not-explained"}


def test_each_family_page_shows_its_rules_facts_and_both_fixtures():
    yes = {True: "yes", False: "no"}
    for family in sorted({r.family for r in lint.RULES.values()}):
        page = paths.DOCS / "lint" / f"{family}.md"
        text = page.read_text()
        rules = [r for r in lint.RULES.values() if r.family == family]
        expected = [
            (r.id, v, f.lock, yes[f.rewrite], yes[f.scan])
            for r in rules
            for v, f in sorted(r.facts.items())
        ]
        assert page_table(page) == expected, family
        for rule in rules:
            assert f"\n## {rule.id}\n" in text, rule.id
            if rule.id not in NO_FIXTURES:
                assert f'--8<-- "{rule.bad}"' in text and f'--8<-- "{rule.good}"' in text
        index = (paths.DOCS / "lint/index.md").read_text()
        assert all(f"`{r.id}`" in index for r in rules)


def test_queries_mode_from_the_command_line():
    bad = paths.SNIPPETS / "lint/select-star/bad.sql"
    done = playbook("--queries", str(bad))
    assert done.returncode == 1 and "warning [select-star]" in done.stdout.decode()
    assert playbook(str(bad)).returncode == 0  # a query is not a migration finding


def test_the_default_pg_version_is_the_newest_of_the_matrix():
    from playbooks.engines import images

    assert lint.DEFAULT_PG_VERSION == max(int(v) for v in images.VERSIONS["postgres"])


def test_the_parser_is_that_of_the_newest_postgresql_of_the_matrix():
    """The lint page: pglast "embeds libpg_query, the parser of PostgreSQL 18 itself"."""
    import pglast.parser

    major, _ = pglast.parser.get_postgresql_version()
    assert major == lint.DEFAULT_PG_VERSION == 18
    page = " ".join((paths.DOCS / "lint/index.md").read_text().split())
    assert f"embeds libpg_query, the parser of PostgreSQL {major} itself" in page
    # syntax that PostgreSQL 18 added: a virtual generated column
    pglast.parser.parse_sql("ALTER TABLE t ADD COLUMN c int GENERATED ALWAYS AS (a + 1) VIRTUAL")


def test_the_mariadb_engine_from_the_command_line():
    bad = paths.SNIPPETS / "lint/alter-without-algorithm/bad.sql"
    done = playbook("--engine", "mariadb", str(bad))
    assert done.returncode == 1 and "[alter-without-algorithm]" in done.stdout.decode()
    done = playbook("--engine", "mariadb", "--queries", str(bad))
    assert done.returncode == 2 and "PostgreSQL only" in done.stderr.decode()


def test_each_finding_names_the_handbook_section_that_exists():
    data = json.loads(playbook("--format", "json", str(BAD)).stdout)
    (doc,) = [f["doc"] for f in data["findings"]]
    assert doc == f"{paths.SITE_URL}lint/rewrites/#add-column-rewrites"
    page, _, anchor = doc.removeprefix(paths.SITE_URL).partition("/#")
    assert f"\n## {anchor}\n" in (paths.DOCS / f"{page}.md").read_text()
    for rule in lint.RULES.values():  # every rule's section, and the chapters rules link to
        assert f"\n## {rule.id}\n" in (paths.DOCS / "lint" / f"{rule.family}.md").read_text()
    linked = re.findall(r"/(phases/[\w-]+)/#([\w-]+)", str(list(lint.RULES.values())))
    assert linked
    for page, anchor in linked:
        headings = re.findall(r"^#+ (.+)$", (paths.DOCS / f"{page}.md").read_text(), re.M)
        assert anchor in {slugify(h.replace("`", ""), "-") for h in headings}, (page, anchor)


def test_a_site_url_of_ones_own_is_printed(tmp_path):
    env = {**os.environ, "DBARCH_SITE_URL": "https://handbook.example.org/dbarch"}
    done = subprocess.run(
        [sys.executable, "-m", "playbooks.cli", "lint", str(paths.SNIPPETS / BAD)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert "see the handbook: https://handbook.example.org/dbarch/lint/rewrites/#" in done.stdout


def test_a_virtual_generated_column_is_a_rewrite_only_before_postgresql_18():
    sql = "SET lock_timeout = '1s'; SET statement_timeout = '1min';\n"
    virtual = sql + "ALTER TABLE t ADD COLUMN total numeric GENERATED ALWAYS AS (a * b);\n"
    stored = virtual.replace(");", ") STORED;")
    assert lint_text(virtual, pg_version=18) == []
    assert [f.rule for f in lint_text(stored, pg_version=18)] == ["add-column-rewrites"]
    assert [f.rule for f in lint_text(stored, pg_version=17)] == ["add-column-rewrites"]


def test_the_transcript_on_the_lint_page_is_what_lint_prints(tmp_path):
    page = (paths.DOCS / "lint/index.md").read_text()
    block = re.search(r"```\{\.text norun=[^\n]*\n\$ (playbook lint [^\n]+)\n(.*?)```", page, re.S)
    command, shown = block[1].split(), block[2]
    migration = tmp_path / "db/migrations/0042_tokens.sql"
    migration.parent.mkdir(parents=True)
    migration.write_text(
        "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
        "ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DBARCH_SITE_URL"}
    done = subprocess.run(
        [*PLAYBOOK, *command[1:]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stdout == shown
