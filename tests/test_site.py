"""The site builds strictly, and a broken include or link breaks the build."""

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
    assert (tmp_path / "site" / "phases" / "indexing" / "index.html").exists()


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "snippets", project / "snippets")
    return project


@pytest.mark.parametrize(
    "addition, named",
    [
        ('\n```sql\n--8<-- "postgres/no/such_file.sql"\n```\n', "no/such_file.sql"),
        ("\nSee [nowhere](no-such-page.md).\n", "no-such-page.md"),
    ],
    ids=["missing include", "broken link"],
)
def test_a_broken_reference_fails_the_build(tmp_path, addition: str, named: str) -> None:
    project = _copy_project(tmp_path)
    index = project / "docs" / "index.md"
    index.write_text(index.read_text() + addition)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert named in result.stdout + result.stderr
