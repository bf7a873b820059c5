"""The `playbook` command, driven as a user drives it: in a subprocess, and in a real terminal."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from playbooks.answers import Run, load
from playbooks.checklist import Item, Phase, phases

PLAYBOOK = [sys.executable, "-m", "playbooks.cli"]


def playbook(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PLAYBOOK, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playbook: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def indexing():
    (phase,) = [p for p in phases() if p.name == "indexing"]
    return phase


def test_help_teaches_each_command_with_an_example() -> None:
    main = playbook("--help")
    assert main.returncode == 0 and "examples:" in main.stdout
    for command in ("list", "show", "run", "report", "check", "sandbox"):
        result = playbook(command, "--help")
        assert result.returncode == 0 and "example:" in result.stdout, command


def test_list_shows_phases_checklists_and_progress(tmp_path, indexing) -> None:
    result = playbook("list", "--dir", str(tmp_path))
    assert result.returncode == 0
    assert (
        f"indexing             {indexing.title}  ({len(indexing.items)} items; not started)"
        in result.stdout
    )
    for checklist in indexing.checklists:
        assert checklist in result.stdout


def test_show_prints_the_checklist_as_the_page_has_it(indexing) -> None:
    markdown = playbook("show", "indexing", "--format", "markdown").stdout
    for item in indexing.items:
        assert f"- [ ] {item.text}" in markdown
    data = json.loads(playbook("show", "indexing", "--format", "json").stdout)
    assert [i["action"] for i in data["items"]] == [i.action for i in indexing.items]


def test_the_checklist_is_read_from_the_page(indexing) -> None:
    page = (Path(__file__).parents[1] / "docs" / indexing.page).read_text()
    assert len(indexing.items) == page.count("\n- [ ] ") >= 10
    assert all(item.why for item in indexing.items), "every item says why it matters"


def test_an_unknown_phase_is_one_line_with_the_nearest_name() -> None:
    assert_one_line_error(
        playbook("show", "indexng"), "unknown phase 'indexng'", "did you mean 'indexing'"
    )
    assert_one_line_error(playbook("run", "nope", "--answers", "x.yaml"), "unknown phase 'nope'")


def test_answers_file_fills_a_run_and_the_exit_code_says_what_is_open(tmp_path, indexing) -> None:
    first, second, *rest = indexing.items
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        f'"{first.action}": done\n"{second.action}": {{state: n/a, note: "no such tables here"}}\n'
    )
    partial = playbook(
        "run", "indexing", "--answers", str(answers), "--dir", str(tmp_path / "runs")
    )
    assert partial.returncode == 1, partial.stderr
    assert f"open: {rest[0].action}" in partial.stdout
    everything = {item.action: "done" for item in rest}  # the first two keep their answers
    answers.write_text(json.dumps(everything))
    full = playbook("run", "indexing", "--answers", str(answers), "--dir", str(tmp_path / "runs"))
    assert full.returncode == 0, full.stdout + full.stderr
    report = playbook("report", "indexing", "--dir", str(tmp_path / "runs")).stdout
    assert f"- [x] {second.text} (**not applicable**" in report
    assert "*Note:* no such tables here" in report
    assert f"{len(indexing.items) - 1} done, 0 not yet, 1 not applicable, 0 unanswered" in report
    data = json.loads(
        playbook("report", "--format", "json", "--dir", str(tmp_path / "runs")).stdout
    )
    assert data[0]["counts"]["done"] == len(indexing.items) - 1


def test_bad_answers_files_are_refused_in_one_line(tmp_path, indexing) -> None:
    runs = tmp_path / "runs"
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(f'"{indexing.items[0].action}x": done\n')
    assert_one_line_error(
        playbook("run", "indexing", "--answers", str(unknown), "--dir", str(runs)),
        str(unknown),
        "did you mean",
    )
    bad_state = tmp_path / "state.yaml"
    bad_state.write_text(f'"{indexing.items[0].action}": maybe\n')
    assert_one_line_error(
        playbook("run", "indexing", "--answers", str(bad_state), "--dir", str(runs)),
        "state must be one of",
    )
    assert_one_line_error(
        playbook("run", "indexing", "--answers", str(tmp_path / "missing.yaml")), "missing.yaml"
    )


@pytest.mark.parametrize(
    "content", ["{not json", '{"some": "other tool"}', '{"format": "dbarch-playbook-run/1"}']
)
def test_a_corrupt_or_foreign_run_file_is_named_and_left_untouched(tmp_path, content) -> None:
    saved = tmp_path / "indexing.json"
    saved.write_text(content)
    for args in (["list"], ["report", "indexing"], ["run", "indexing", "--answers", "x.yaml"]):
        assert_one_line_error(playbook(*args, "--dir", str(tmp_path)), str(saved))
    assert saved.read_text() == content


def test_a_changed_checklist_is_reported_new_removed_and_reworded() -> None:
    def phase(*texts: str) -> Phase:
        return Phase("p", "P", "p.md", [Item("List", t, n) for n, t in enumerate(texts)])

    run = Run.start(phase("keep — a", "old wording — b", "gone — c"))
    for answer in run.answers:
        answer.state = "done"
    changes = run.reconcile(phase("keep — a", "new wording — b", "fresh — d"))
    assert changes.reworded == [("old wording — b", "new wording — b")]
    assert changes.removed == ["gone — c"] and changes.new == ["fresh — d"]
    assert [a.text for a in run.answers] == ["keep — a", "new wording — b", "fresh — d"]
    assert [a.state for a in run.answers] == [
        "done",
        None,
        None,
    ]  # only the unchanged item keeps its answer

    run = Run.start(phase("a — 1", "b — 2"))
    changes = run.reconcile(phase("a — 1", "b — 2", "c — 3"))
    assert changes.new == ["c — 3"] and not changes.removed and not changes.reworded
    changes = run.reconcile(phase("b — 2", "c — 3"))
    assert changes.removed == ["a — 1"] and not changes.new


# --- the interactive run, in a real pseudo-terminal --------------------------------------------


def spawn(args: str, cwd: Path) -> pexpect.spawn:
    # COLUMNS/LINES as well as the pty's size: shutil reads them first, so the width the
    # program sees cannot depend on the pty's ioctl (seen to fall back to 80 under xdist).
    env = {**os.environ, "PLAYBOOK_DIR": str(cwd / "runs"), "TERM": "xterm"}
    env |= {"COLUMNS": "200", "LINES": "40"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "playbooks.cli", *args.split()],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 200),
    )


def answer(child: pexpect.spawn, item: Item, keys: str, note: str = "") -> None:
    child.expect_exact(item.action)
    child.expect_exact("q stop")
    child.send(keys)
    child.expect_exact("note (Enter for none):")
    child.sendline(note)


def test_run_in_a_terminal_interrupt_resume_finish_report(tmp_path, indexing) -> None:
    items = indexing.items
    child = spawn("run indexing", tmp_path)
    answer(
        child, items[0], "\x1b[C\x1b[C\x1b[D\r", note="checked on the replica too"
    )  # → → ← Enter
    answer(child, items[1], "a")
    child.expect_exact(items[2].action)
    child.sendintr()  # Ctrl-C
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = load(tmp_path / "runs" / "indexing.json")
    assert [(a.state, a.note) for a in saved.answers[:3]] == [
        ("not-yet", "checked on the replica too"),
        ("n/a", ""),
        (None, ""),
    ]

    child = spawn("run indexing", tmp_path)  # resumes at the first unanswered item
    child.expect_exact(f"[3/{len(items)}]")
    for item in items[2:]:
        answer(child, item, "d")
    child.expect_exact("1 not yet")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    report = playbook("report", "indexing", "--dir", str(tmp_path / "runs")).stdout
    assert f"- [ ] {items[0].text} (**not yet**" in report
    assert f"{len(items) - 2} done, 1 not yet, 1 not applicable, 0 unanswered" in report


def test_an_answer_given_survives_sigkill(tmp_path, indexing) -> None:
    child = spawn("run indexing", tmp_path)
    answer(child, indexing.items[0], "d")
    answer(child, indexing.items[1], "n", note="next sprint")
    child.expect_exact(indexing.items[2].action)
    child.kill(signal.SIGKILL)
    child.close()
    saved = load(tmp_path / "runs" / "indexing.json")
    assert [(a.state, a.note) for a in saved.answers[:3]] == [
        ("done", ""),
        ("not-yet", "next sprint"),
        (None, ""),
    ]


def test_run_without_a_terminal_asks_for_an_answers_file(tmp_path) -> None:
    result = subprocess.run(
        [*PLAYBOOK, "run", "indexing", "--dir", str(tmp_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert_one_line_error(result, "needs a terminal", "--answers")


# --- sandbox -----------------------------------------------------------------------------------


def test_sandbox_serves_the_sample_schema_until_ctrl_c(tmp_path) -> None:
    import psycopg

    child = spawn("sandbox --orders 300", tmp_path)
    child.timeout = 60
    child.expect(r"URL:  (postgresql://\S+)")
    url = child.match.group(1)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 300
        # The statistics are those of the loaded tables, as the VACUUM ANALYZE that ends the
        # load left them: no row changed since, and the live rows counted once.
        assert (
            conn.execute(
                "SELECT relname, n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables"
                " WHERE relname IN ('orders', 'order_items', 'customers', 'events')"
                " AND (n_mod_since_analyze > 0 OR n_live_tup <> (SELECT reltuples FROM pg_class"
                "      WHERE oid = relid))"
            ).fetchall()
            == []
        )
        checked = playbook("check", "--dsn", url, "--only", "stale-statistics")
        assert "stale-statistics" not in checked.stdout, checked.stdout
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        # read while the backend lives: its /proc entry goes with the connection
        postmaster = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    deadline = time.monotonic() + 10
    while Path(f"/proc/{postmaster}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{postmaster}").exists(), "the sandbox server outlived the command"


def test_a_saved_run_of_an_older_checklist_reports_what_changed(tmp_path, indexing) -> None:
    first, second, *_ = indexing.items
    answers = tmp_path / "answers.yaml"
    answers.write_text(f'"{first.action}": done\n"{second.action}": done\n')
    runs = tmp_path / "runs"
    assert (
        playbook("run", "indexing", "--answers", str(answers), "--dir", str(runs)).returncode == 1
    )
    saved = runs / "indexing.json"
    data = json.loads(saved.read_text())
    data["answers"][1]["text"] = second.text.replace(" — ", " first — ", 1)  # an older wording
    data["answers"].append({"checklist": first.checklist, "text": "A dropped item — gone."})
    data["handbook_version"] = "0.0.1"
    saved.write_text(json.dumps(data))
    result = playbook("run", "indexing", "--answers", str(answers), "--dir", str(runs))
    assert "checklist changed since this run began: reworded item" in result.stderr
    assert "checklist changed since this run began: removed item: A dropped item — gone." in (
        result.stderr
    )
    again = load(saved)
    assert [a.text for a in again.answers] == [i.text for i in indexing.items]
    assert again.answers[0].state == "done" and again.handbook_version != "0.0.1"
