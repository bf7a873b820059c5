"""The wheel: what `playbook` reads at run time is in it, what only the site or the suite uses
is not, and its metadata says what the project is (license, platform)."""

from __future__ import annotations

import email
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel, built from this checkout as `pip wheel` builds it (no dependencies)."""
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = out.glob("dbarch-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_holds_what_the_cli_reads(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "playbooks/cli.py" in names and "playbooks/paths.py" in names
    pages = {n for n in names if n.startswith("playbooks/_data/docs/")}
    phases = sorted((ROOT / "docs" / "phases").glob("*.md"))
    assert phases and {f"playbooks/_data/docs/phases/{p.name}" for p in phases} <= pages
    # what `playbook check` and `playbook sandbox` read (playbooks/checks.py, engines/postgres.py)
    for snippet in ROOT.glob("snippets/*/checks/*.sql"):
        assert f"playbooks/_data/{snippet.relative_to(ROOT).as_posix()}" in names
    assert "playbooks/_data/snippets/postgres/sample-schema/schema.sql" in names


def test_the_wheel_leaves_out_the_site_and_the_test_stack(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    unwanted = [
        n
        for n in names
        if n.endswith((".woff2", ".css", ".html", ".svg"))
        or "/overrides/" in n
        or n.startswith("tests/")
        or n.startswith("playbooks/testing/")
        or n in ("playbooks/mkdocs_hooks.py", "conftest.py")
        or "__pycache__" in n
    ]
    assert not unwanted, unwanted


def test_the_wheel_says_mit_and_posix(wheel: zipfile.ZipFile) -> None:
    (meta,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = email.message_from_bytes(wheel.read(meta))
    assert metadata["License-Expression"] == "MIT"
    classifiers = metadata.get_all("Classifier")
    assert "Operating System :: POSIX" in classifiers
    assert not [c for c in classifiers if c.startswith("Operating System") and "POSIX" not in c]
    licenses = [n for n in wheel.namelist() if "/licenses/" in n and n.endswith("LICENSE")]
    assert licenses, "no LICENSE in the wheel's metadata"
    text = wheel.read(licenses[0]).decode()
    assert text.startswith("MIT License") and "dbarch contributors" in text
