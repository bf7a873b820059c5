"""Every `playbook` command the README, CONTRIBUTING and `--help` show is run, as a reader would."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).parents[1]
COMMANDS = ("list", "show", "run", "report", "check", "sandbox")


def _help(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "playbooks.cli", *args, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def help_examples() -> list[str]:
    """`playbook …` lines of every --help epilog, without the explanation after two spaces."""
    found = []
    for args in [(), *((c,) for c in COMMANDS)]:
        for line in _help(*args).splitlines():
            if line.startswith("  playbook "):
                found.append(re.split(r"\s{2,}", line.strip())[0])
    return found


def doc_examples(name: str) -> list[str]:
    """`$ playbook …` lines of a document, without a trailing `# comment`."""
    text = (ROOT / name).read_text()
    return [
        re.split(r"\s{2,}#", m.group(1))[0].strip()
        for m in re.finditer(r"^\$ (playbook .*)$", text, re.M)
    ]


def answers_example() -> str:
    """The answers file `playbook run --help` shows, as a reader would copy it."""
    lines = [line.strip() for line in _help("run").splitlines() if line.startswith('  "')]
    assert len(lines) == 2
    return "\n".join(lines) + "\n"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "answers.yaml").write_text(answers_example())
    return tmp_path


def test_the_help_and_the_documents_show_examples() -> None:
    assert len(help_examples()) >= 10
    assert len(doc_examples("README.md")) >= 7


def test_the_answers_file_of_the_help_fills_real_items(workdir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "playbooks.cli", "run", "indexing", "--answers", "answers.yaml"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and not result.stderr, result.stderr
    assert re.search(r": 1 done, 0 not yet, 1 not applicable, \d+ unanswered", result.stdout)


def _run(command: str, workdir: Path, env: dict[str, str], timeout: float = 120) -> int:
    """Run one example as the reader would; its exit status (0 or 1 are both fine)."""
    argv = shlex.split(command)
    if argv[:2] == ["playbook", "sandbox"] or argv == ["playbook", "run", "indexing"]:
        child = pexpect.spawn(
            "bash",
            ["-c", command.replace("playbook", f"{sys.executable} -m playbooks.cli", 1)],
            cwd=str(workdir),
            env=env,
            encoding="utf-8",
            timeout=timeout,
            dimensions=(40, 120),
        )
        if argv[1] == "sandbox":
            child.expect(r"URL:  postgresql://\S+")
            child.expect_exact("Ctrl-C")
            child.sendintr()
        else:
            child.expect_exact("q stop")
            child.send("q")
            child.expect_exact("Resume with: playbook run indexing")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, (command, child.before)
        return 0
    shell = command.replace("playbook", f"{shlex.quote(sys.executable)} -m playbooks.cli", 1)
    result = subprocess.run(
        ["bash", "-c", shell], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode in (0, 1), (command, result.stderr)
    assert "error" not in result.stderr and "Traceback" not in result.stderr, (command, result)
    return result.returncode


def _with_test_database(command: str, pg_url: str) -> str:
    """A --dsn example names a host of its own: point it at the test database instead."""
    return re.sub(r"--dsn \S+", f"--dsn {shlex.quote(pg_url)}", command)


def test_every_example_of_the_help_and_the_documents_runs(workdir, pg_url, postgres_server) -> None:
    shown = help_examples() + doc_examples("README.md") + doc_examples("CONTRIBUTING.md")
    # Each distinct command once: the README repeats examples of the help, and one of them loads
    # 200,000 orders.
    examples = list(dict.fromkeys(_with_test_database(c, pg_url) for c in shown))
    env = {
        **os.environ,
        "DATABASE_URL": pg_url,
        # the sandbox examples borrow the test server instead of starting one of their own
        "DBARCH_POSTGRES_URL": postgres_server.url(),
        "TERM": "xterm",
    }
    env.pop("PLAYBOOK_DIR", None)
    # The answers first, so that `report` has a run to write, as in the README's order.
    ordered = sorted(examples, key=lambda c: "--answers" not in c)
    statuses = {}
    for command in ordered:
        statuses[command] = _run(command, workdir, env)
    for command, status in statuses.items():
        if "--answers" in command:
            assert status == 1, "items are open, as the README says after `echo $?`"
    for written in ("decisions/indexing.md", "DESIGN-indexing.md"):
        if any(written in c for c in examples):
            assert (workdir / written).read_text().startswith("# Phase 3: Indexing")


INSTALL_LINE = re.compile(r"`(pip install \.)` in a checkout")


def test_the_readme_install_line_gives_a_working_command(tmp_path: Path) -> None:
    """The README's install line for users, run as written in a fresh virtual environment: the
    installed `playbook` reads its checklists from the wheel, not from this checkout."""
    line = INSTALL_LINE.search((ROOT / "README.md").read_text())
    assert line, "the README shows no `pip install .` line for users"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", *shlex.split(line.group(1)), "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    playbook = venv / "bin" / "playbook"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PLAYBOOK_DIR")}
    env["COLUMNS"] = "80"
    shown = subprocess.run(
        [str(playbook), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0 and "playbook list" in shown.stdout, shown.stderr
    listed = subprocess.run(
        [str(playbook), "list"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^indexing\s+Phase 3: Indexing\s+\(\d+ items", listed.stdout, re.M), listed
    # the checklists come from the wheel; and what PyMySQL needs for MariaDB's ed25519 and
    # MySQL's RSA password exchange came with it
    code = "import playbooks.paths as p, nacl.bindings, cryptography.hazmat; print(p.DOCS)"
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "site-packages/playbooks/_data/docs" in where.stdout, where


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "scripts").iterdir()))
def test_every_script_explains_itself_with_help(script: str) -> None:
    """`scripts/… --help` says what the script does and how to call it, and changes nothing."""
    path = ROOT / "scripts" / script
    python = script.endswith(".py") or "python" in path.read_text().splitlines()[0]
    argv = [sys.executable, str(path)] if python else [str(path)]
    shown = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    assert "usage" in shown.stdout.lower() or f"scripts/{script}" in shown.stdout, shown.stdout
