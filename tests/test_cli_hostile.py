"""`playbook` under hostile and unlucky input: every promise of the README holds (issue 11)."""

import contextlib
import errno
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from markdown_it import MarkdownIt

from playbooks.answers import load
from playbooks.checklist import phases
from playbooks.terminal import md_text
from tests.test_cli import PLAYBOOK, answer, assert_one_line_error, playbook, spawn


@pytest.fixture
def indexing():
    (phase,) = [p for p in phases() if p.name == "indexing"]
    return phase


def run_answers(answers: Path, runs: Path, *extra: str) -> subprocess.CompletedProcess:
    return playbook("run", "indexing", "--answers", str(answers), "--dir", str(runs), *extra)


@contextlib.contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    """A tiny file system of its own at `path` (root only): a disk that fills, or a read-only one."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir()
    options = f"size={size},mode=0777" + (",ro" if read_only else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)])
    if mounted.returncode != 0:
        pytest.skip("this machine does not let root mount a tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


# --- 5: answers files and saved runs -----------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, indexing) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]" for n in range(8)
    ]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "\n".join(levels) + f'\n"{indexing.items[0].action}": {{state: done, note: *i}}\n'
    )
    assert len(bomb.read_bytes()) < 700  # 9^9 strings once expanded
    started = time.monotonic()
    result = run_answers(bomb, tmp_path / "runs")
    assert time.monotonic() - started < 10
    assert_one_line_error(result, str(bomb), "aliases", "not accepted")
    assert not (tmp_path / "runs" / "indexing.json").exists()


def test_a_huge_answers_file_is_refused_before_parsing(tmp_path, indexing) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("w") as f:
        line = f'"{indexing.items[0].action}": done\n'
        f.write(line * (58_000_000 // len(line)))
    started = time.monotonic()
    result = run_answers(huge, tmp_path / "runs")
    assert time.monotonic() - started < 10
    assert_one_line_error(result, str(huge), "larger than 512 KiB")


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("{state: [done]}", "state must be one of"),
        ("{state: 1}", "state must be one of"),
        ("{state: done, note: [a, b]}", "a note must be a string"),
        ("{state: done, note: {a: b}}", "a note must be a string"),
        ('{state: done, note: "' + "x" * 4001 + '"}', "limited to 4000 characters"),
        ("{state: done, when: today}", "expected {state"),
    ],
)
def test_states_and_notes_must_be_strings_of_bounded_length(
    tmp_path, indexing, value, fragment
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(f'"{indexing.items[0].action}": {value}\n')
    assert_one_line_error(run_answers(answers, tmp_path / "runs"), fragment)


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_deeply_nested_answers_files_are_one_line(tmp_path, suffix) -> None:
    nested = tmp_path / f"nested.{suffix}"
    nested.write_text("[" * 100_000 + "]" * 100_000 if suffix == "json" else "- " * 50_000 + "x")
    assert_one_line_error(run_answers(nested, tmp_path / "runs"), str(nested))


def test_a_deeply_nested_saved_run_is_one_line_in_every_command(tmp_path) -> None:
    saved = tmp_path / "indexing.json"
    saved.write_text('{"format": "dbarch-playbook-run/1", "answers": ' + "[" * 100_000 + "}")
    for args in (["list"], ["report"], ["report", "indexing"]):
        assert_one_line_error(playbook(*args, "--dir", str(tmp_path)), str(saved))


def test_a_saved_run_with_a_non_string_note_is_refused(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    run_answers(answers, tmp_path)
    saved = tmp_path / "indexing.json"
    data = json.loads(saved.read_text())
    data["answers"][0]["note"] = {"nested": ["object"]}
    saved.write_text(json.dumps(data))
    assert_one_line_error(playbook("report", "--dir", str(tmp_path)), "a note must be a string")


def test_two_concurrent_runs_on_one_phase_never_lose_an_answer(tmp_path, indexing) -> None:
    first, second = indexing.items[0], indexing.items[1]
    (tmp_path / "a.yaml").write_text(f'"{first.action}": done\n')
    (tmp_path / "b.yaml").write_text(f'"{second.action}": n/a\n')
    for round_ in range(10):
        runs = tmp_path / f"runs{round_}"
        procs = [
            subprocess.Popen(
                [*PLAYBOOK, "run", "indexing", "--answers", str(tmp_path / f), "--dir", str(runs)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in ("a.yaml", "b.yaml")
        ]
        for proc in procs:
            assert proc.wait(timeout=60) == 1, proc.stderr.read()
        saved = load(runs / "indexing.json")
        assert [a.state for a in saved.answers[:2]] == ["done", "n/a"], f"round {round_}"


def test_report_output_refuses_a_symlink_and_keeps_the_target(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    run_answers(answers, tmp_path / "runs")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "report.md"
    link.symlink_to(victim)
    result = playbook("report", "indexing", "-o", str(link), "--dir", str(tmp_path / "runs"))
    assert_one_line_error(result, str(link), "symbolic link")
    assert victim.read_text() == "precious\n" and link.is_symlink()


def test_report_output_replaces_atomically_and_keeps_the_mode(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    run_answers(answers, tmp_path / "runs")
    out = tmp_path / "report.md"
    out.write_text("old\n")
    out.chmod(0o640)
    reader = out.open()  # a reader of the old file keeps the old content: a new inode came
    result = playbook("report", "indexing", "-o", str(out), "--dir", str(tmp_path / "runs"))
    assert result.returncode == 0, result.stderr
    assert reader.read() == "old\n"
    reader.close()
    assert out.read_text().startswith("# Phase 3: Indexing")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "report.md", "runs"]


def test_saving_keeps_an_existing_run_files_mode(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    run_answers(answers, tmp_path)
    saved = tmp_path / "indexing.json"
    saved.chmod(0o644)
    answers.write_text(f'"{indexing.items[1].action}": done\n')
    run_answers(answers, tmp_path)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o644
    assert [a.state for a in load(saved).answers[:2]] == ["done", "done"]


# --- 6: bad input is one line on stderr and exit 2 ---------------------------------------------


def test_report_output_into_a_missing_folder_creates_it(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    run_answers(answers, tmp_path / ".playbook")
    result = playbook("report", "indexing", "-o", "decisions/indexing.md", cwd=tmp_path)
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert result.stdout == "report written to decisions/indexing.md\n"
    assert (tmp_path / "decisions" / "indexing.md").read_text().startswith("# Phase 3")


def test_a_non_utf8_answers_file_is_one_line(tmp_path, indexing) -> None:
    answers = tmp_path / "latin1.yaml"
    answers.write_bytes(
        f'"{indexing.items[0].action}": {{state: done, note: "caf\xe9"}}\n'.encode("latin-1")
    )
    assert_one_line_error(run_answers(answers, tmp_path / "runs"), str(answers), "not UTF-8")


def test_a_read_only_working_directory_is_one_line(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    with tmpfs(tmp_path / "ro", "64k", read_only=True) as cwd:
        result = playbook("run", "indexing", "--answers", str(answers), cwd=cwd)
        assert_one_line_error(result, ".playbook/", "Read-only file system", "--dir")
    run_answers(answers, tmp_path / "runs")
    with tmpfs(tmp_path / "ro2", "64k", read_only=True) as cwd:
        result = playbook("report", "-o", "out.md", "--dir", str(tmp_path / "runs"), cwd=cwd)
        assert_one_line_error(result, "out.md", "Read-only file system")


def test_a_full_disk_is_one_line_and_keeps_the_saved_run(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    with tmpfs(tmp_path / "disk", "64k") as disk:
        runs = disk / "runs"
        assert run_answers(answers, runs).returncode == 1
        before = (runs / "indexing.json").read_bytes()
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as f:
            while True:
                f.write(b"x" * 4096)
                f.flush()
        answers.write_text(f'"{indexing.items[1].action}": {{state: done, note: "{"n" * 3000}"}}\n')
        assert_one_line_error(run_answers(answers, runs), "No space left on device")
        assert (runs / "indexing.json").read_bytes() == before
        assert sorted(p.name for p in runs.iterdir()) == [".indexing.json.lock", "indexing.json"]
        result = playbook("report", "-o", str(disk / "report.md"), "--dir", str(runs))
        assert_one_line_error(result, "report.md", "No space left on device")


def test_an_oserror_anywhere_is_one_line(tmp_path, monkeypatch, capsys, indexing) -> None:
    """Where a tmpfs cannot be had: ENOSPC injected at the write itself."""
    from playbooks import answers as answers_module
    from playbooks import cli

    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(answers_module.os, "fsync", full)
    status = cli.main(["run", "indexing", "--answers", str(answers), "--dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "No space left on device" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [".indexing.json.lock", "a.yaml"]


def test_ctrl_d_at_the_note_prompt_is_one_line_and_keeps_the_answer(tmp_path, indexing) -> None:
    child = spawn("run indexing", tmp_path)
    child.expect_exact(indexing.items[0].action)
    child.expect_exact("q stop")
    child.send("d")
    child.expect_exact("note (Enter for none):")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    # after the prompt (and its trailing space), one line break, then the error's one line
    assert child.before == (
        " \r\nplaybook: error: end of input at the note prompt; the answer is saved in "
        f"{tmp_path}/runs/indexing.json without a note\r\n"
    )
    assert load(tmp_path / "runs" / "indexing.json").answers[0].state == "done"


# --- 7: an answer shown is an answer saved -----------------------------------------------------


@pytest.mark.parametrize("how", ["ctrl-c", "sigkill"])
def test_an_answer_shown_as_given_survives_an_interrupted_note(tmp_path, indexing, how) -> None:
    child = spawn("run indexing", tmp_path)
    answer(child, indexing.items[0], "n", note="first note")
    child.expect_exact(indexing.items[1].action)
    child.expect_exact("q stop")
    child.send("d")
    child.expect_exact("→ done")
    child.expect_exact("note (Enter for none):")
    if how == "ctrl-c":
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130
    else:
        child.kill(signal.SIGKILL)
        child.close()
    saved = load(tmp_path / "runs" / "indexing.json")
    assert [(a.state, a.note) for a in saved.answers[:3]] == [
        ("not-yet", "first note"),
        ("done", ""),
        (None, ""),
    ]


# --- 10: a reader that leaves early ------------------------------------------------------------


def test_a_closed_pipe_keeps_the_real_exit_status(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    # the reader (`| head`) gone before the output is written: the write fails, the status stays
    proc = subprocess.Popen(
        [*PLAYBOOK, "run", "indexing", "--answers", str(answers), "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()
    assert proc.wait(timeout=60) == 1
    assert proc.stderr.read() == ""
    help_ = subprocess.Popen([*PLAYBOOK, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    help_.stdout.close()
    assert help_.wait(timeout=60) == 0 and help_.stderr.read() == b""


# --- 11: the terminal UI -----------------------------------------------------------------------


def test_esc_does_not_swallow_the_next_keys(tmp_path, indexing) -> None:
    child = spawn("run indexing", tmp_path)
    child.expect_exact(indexing.items[0].action)
    child.expect_exact("q stop")
    child.send("\x1b")
    time.sleep(0.3)
    child.send("a")
    child.expect_exact("→ not applicable")
    child.expect_exact("note (Enter for none):")
    child.sendline("")
    child.expect_exact(indexing.items[1].action)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert load(tmp_path / "runs" / "indexing.json").answers[0].state == "n/a"


def _visible(segment: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", segment)


@pytest.mark.parametrize("columns", [30, 40, 50, 66, 80])
def test_the_options_line_never_wraps_so_no_stale_copy_is_left(tmp_path, indexing, columns) -> None:
    env = {**os.environ, "PLAYBOOK_DIR": str(tmp_path / "runs"), "TERM": "xterm"}
    env |= {"COLUMNS": str(columns), "LINES": "24"}  # as in tests/test_cli.py's spawn()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "playbooks.cli", "run", "indexing"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(24, columns),
    )
    child.expect_exact(f"[1/{len(indexing.items)}]")
    time.sleep(0.5)
    for key in ("\x1b[C", "\x1b[C", "\x1b[D"):
        child.send(key)
        time.sleep(0.1)
    child.send("\r")
    child.expect_exact("→ not yet")
    drawn = child.before.split("\r\x1b[K")[1:-1]  # each drawing of the options line
    assert len(drawn) == 4
    for line in drawn:
        assert 0 < len(_visible(line)) < columns, (columns, line)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()


def test_no_color_and_no_tty_mean_no_escape_sequences(tmp_path, indexing) -> None:
    env = {**os.environ, "PLAYBOOK_DIR": str(tmp_path / "runs"), "TERM": "xterm", "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "playbooks.cli", "run", "indexing"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 200),
    )
    child.logfile_read = seen = io.StringIO()
    child.expect_exact("q stop")
    child.send("\x1b[C")
    child.expect_exact(">[n] not yet<")  # the choice is marked without colour
    child.send("\r")
    child.expect_exact("note (Enter for none):")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "[1/" in seen.getvalue() and "→ not yet" in seen.getvalue()
    assert "\x1b[" not in seen.getvalue().replace("\x1b[K", ""), "line erasing only, no colour"

    del env["NO_COLOR"]  # a terminal for the keys, but the output goes to a file
    out = tmp_path / "out.txt"
    child = pexpect.spawn(
        "bash",
        ["-c", f"{sys.executable} -m playbooks.cli run indexing > {out}"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
    )
    child.send("d")
    deadline = time.monotonic() + 20
    while "note (Enter for none):" not in out.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)  # the note prompt goes to the file too
    child.sendline("")
    time.sleep(0.5)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    written = out.read_text()
    assert "→ done" in written and "\x1b[" not in written.replace("\x1b[K", "")


def test_show_wraps_at_word_boundaries_within_80_columns(indexing) -> None:
    out = playbook("show", "indexing").stdout
    assert all(len(line) <= 80 for line in out.splitlines())
    words = " ".join(out.split())
    for item in indexing.items:
        assert " ".join(item.action.split()) in words
        assert " ".join(item.why.split()) in words


@pytest.mark.parametrize("command", ["", "list", "show", "run", "report", "check", "sandbox"])
def test_help_fits_80_columns(command) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    result = subprocess.run(
        [*PLAYBOOK, *filter(None, [command]), "--help"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0
    long = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert not long, long


# --- 4: what a run file holds cannot forge output ----------------------------------------------


def test_a_hostile_run_file_cannot_forge_lines_or_drive_the_terminal(tmp_path, indexing) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f'"{indexing.items[0].action}": done\n')
    run_answers(answers, tmp_path)
    saved = tmp_path / "indexing.json"
    data = json.loads(saved.read_text())
    data["answers"][0]["note"] = "fine\n\n# Forged heading\x1b[2J | a | b |<script>"
    data["title"] = "Phase 3\x1b]0;owned\x07\nforged: 0 open"
    saved.write_text(json.dumps(data))
    report = playbook("report", "indexing", "--dir", str(tmp_path)).stdout
    assert "\x1b" not in report and "\x07" not in report
    assert "\n# Forged heading" not in report and "<script>" not in report
    assert f"*Note:* {md_text(data['answers'][0]['note'])}" in report
    assert "\nforged: 0 open" not in report
    html = MarkdownIt("commonmark").render(report)
    assert html.count("<h1>") == 1 and "Forged heading</h" not in html
