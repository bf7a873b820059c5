"""The site builds strictly, a broken include, link or anchor breaks the build, and every chapter
says which engines its examples ran on (playbooks/mkdocs_hooks.py, from the suite's collector)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )


def test_the_handbook_builds_strictly(tmp_path) -> None:
    result = mkdocs_build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    chapter = tmp_path / "site" / "phases" / "indexing" / "index.html"
    assert chapter.exists()
    assert "Examples run on PostgreSQL 15" in chapter.read_text()


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "snippets", project / "snippets")
    (project / "playbooks").mkdir()
    shutil.copy(ROOT / "playbooks" / "mkdocs_hooks.py", project / "playbooks")
    return project


@pytest.mark.parametrize(
    "addition, named",
    [
        ('\n```sql\n--8<-- "postgres/no/such_file.sql"\n```\n', "no/such_file.sql"),
        ("\nSee [nowhere](no-such-page.md).\n", "no-such-page.md"),
        ("\nSee [the tables](sample-schema.md#no-such-anchor).\n", "no-such-anchor"),
        ("\nSee [above](#no-such-heading).\n", "no-such-heading"),
    ],
    ids=["missing include", "broken link", "broken anchor", "broken anchor on the page"],
)
def test_a_broken_reference_fails_the_build(tmp_path, addition: str, named: str) -> None:
    project = _copy_project(tmp_path)
    index = project / "docs" / "index.md"
    index.write_text(index.read_text() + addition)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert named in result.stdout + result.stderr


CHAPTER = """# Phase 9: Testing the hook

```{.sql}
SELECT 1;
```

```{.text output}
 ?column?
----------
        1
```

```{.sql engine=mariadb}
SELECT 1;
```

```{.python fixture:redis_client}
redis_client.set("k", "v")
```

```{.python title="snippets/python/hook/pool.py" notest}
--8<-- "python/hook/pool.py"
```

```{.text norun="a transcript"}
$ true
```
"""


def test_the_engines_under_a_chapter_title_are_derived_from_what_runs(tmp_path) -> None:
    from playbooks import mkdocs_hooks
    from playbooks.examples import collect

    (tmp_path / "docs" / "phases").mkdir(parents=True)
    (tmp_path / "playbooks").mkdir()  # the fixtures, and the engines they start
    shutil.copy(ROOT / "playbooks" / "testing.py", tmp_path / "playbooks")
    (tmp_path / "docs" / "phases" / "testing.md").write_text(CHAPTER)
    (tmp_path / "snippets" / "python" / "hook").mkdir(parents=True)
    pool = tmp_path / "snippets" / "python" / "hook" / "pool.py"
    pool.write_text("# example: fixtures=pgbouncer_url\nprint(pgbouncer_url)\n")
    found = mkdocs_hooks.evidence(collect(tmp_path), tmp_path)["docs/phases/testing.md"]
    # pgbouncer_url asks for pgbouncer_server and pg_databases, which asks for postgres_server
    assert found.engines == {"postgres": 2, "mariadb": 1, "redis": 1, "pgbouncer": 1}
    assert (found.executed, found.outputs, found.not_run) == (4, 1, 1)
    box = mkdocs_hooks.admonition(found, "../verification.md")
    assert box.startswith(
        '!!! proven "Examples run on PostgreSQL 15, MariaDB 10.11, PgBouncer and Redis 7"'
    )
    page = mkdocs_hooks.insert_under_title(CHAPTER, box)
    assert page.index("# Phase 9") < page.index("!!! proven") < page.index("```{.sql}")
    labelled = mkdocs_hooks.label_fences(page)
    assert '```{.text output .dbarch-output data-search-exclude="output"}' in labelled
    assert '```{.text norun="a transcript" .dbarch-norun data-norun="a transcript"}' in labelled
