"""A run of one phase's checklist: its answers, saved atomically after every answer.

The file records each item's text and the handbook version, so a run can be resumed and a
checklist that changed since can be reported (new, removed and reworded items).
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .checklist import Item, Phase

FORMAT = "dbarch-playbook-run/1"
STATES = {"done": "done", "not-yet": "not yet", "n/a": "not applicable"}


class AnswersError(Exception):
    """A saved run or an answers file that cannot be used; the message names the file."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Answer:
    checklist: str
    text: str
    state: str | None = None  # one of STATES, or None while unanswered
    note: str = ""
    answered_at: str = ""


@dataclass
class Changes:
    new: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reworded: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.removed or self.reworded)

    def lines(self) -> list[str]:
        out = [f"new item: {t}" for t in self.new]
        out += [f"removed item: {t}" for t in self.removed]
        out += [f"reworded item: {a!r} is now {b!r}" for a, b in self.reworded]
        return out


@dataclass
class Run:
    phase: str
    title: str
    answers: list[Answer]
    handbook_version: str = __version__
    started_at: str = field(default_factory=now)
    updated_at: str = ""

    @classmethod
    def start(cls, phase: Phase) -> Run:
        return cls(phase.name, phase.title, [Answer(i.checklist, i.text) for i in phase.items])

    def next_open(self) -> int | None:
        return next((i for i, a in enumerate(self.answers) if a.state is None), None)

    def counts(self) -> dict[str, int]:
        counts = {state: 0 for state in STATES} | {"unanswered": 0}
        for a in self.answers:
            counts[a.state or "unanswered"] += 1
        return counts

    @property
    def open_items(self) -> list[Answer]:
        """What still needs doing: items not yet done or not answered at all."""
        return [a for a in self.answers if a.state in (None, "not-yet")]

    def reconcile(self, phase: Phase) -> Changes:
        """Bring the run in line with the checklist as the handbook has it now."""
        changes = Changes()
        old = {a.checklist: [] for a in self.answers} | {c: [] for c in phase.checklists}
        for a in self.answers:
            old[a.checklist].append(a)
        merged: list[Answer] = []
        for checklist in old:
            before = old[checklist]
            after: list[Item] = [i for i in phase.items if i.checklist == checklist]
            matcher = difflib.SequenceMatcher(
                a=[a.text for a in before], b=[i.text for i in after], autojunk=False
            )
            for op, a0, a1, b0, b1 in matcher.get_opcodes():
                if op == "equal":
                    merged.extend(before[a0:a1])
                    continue
                olds, news = before[a0:a1], after[b0:b1]
                for k in range(max(len(olds), len(news))):
                    old_text = olds[k].text if k < len(olds) else None
                    new_text = news[k].text if k < len(news) else None
                    if old_text and new_text and _similar(old_text, new_text):
                        changes.reworded.append((old_text, new_text))
                    else:
                        if old_text:
                            changes.removed.append(old_text)
                        if new_text:
                            changes.new.append(new_text)
                    if new_text:  # a new or reworded item is asked (again)
                        merged.append(Answer(checklist, new_text))
        order = {(i.checklist, i.text): n for n, i in enumerate(phase.items)}
        self.answers = sorted(
            (a for a in merged if (a.checklist, a.text) in order),
            key=lambda a: order[(a.checklist, a.text)],
        )
        self.title = phase.title
        if changes:
            self.handbook_version = __version__
        return changes

    def to_json(self) -> dict:
        return {"format": FORMAT, **asdict(self)}


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(a=a, b=b).ratio() >= 0.6


def state_file(directory: Path, phase: str) -> Path:
    return directory / f"{phase}.json"


MAX_FILE_BYTES = 512 * 1024  # a phase's run or answers file is a few kB; refuse before parsing
MAX_NOTE_CHARS = 4000


def read_capped(path: Path) -> str:
    """The UTF-8 text of `path`, refused (AnswersError) when larger than MAX_FILE_BYTES."""
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise AnswersError(f"{path}: larger than {MAX_FILE_BYTES // 1024} KiB; refused unread")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AnswersError(f"{path}: not UTF-8 text (byte {e.start})") from e


def check_note(note: object, where: str) -> str:
    if not isinstance(note, str):
        raise AnswersError(f"{where}: a note must be a string, not {type(note).__name__}")
    if len(note) > MAX_NOTE_CHARS:
        raise AnswersError(f"{where}: a note is limited to {MAX_NOTE_CHARS} characters")
    return note


def load(path: Path) -> Run | None:
    """The run saved at `path`, None if there is none; AnswersError if it is not a run."""
    try:
        raw = read_capped(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise AnswersError(f"{path}: cannot read it ({e.strerror})") from e
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise AnswersError(f"{path}: not a playbook run file (no format {FORMAT!r})")
        answers = [Answer(**a) for a in data["answers"]]
        for a in answers:
            if a.state is not None and a.state not in STATES:
                raise AnswersError(f"{path}: unknown state {a.state!r}")
            check_note(a.note, str(path))
            for value in (a.checklist, a.text, a.answered_at):
                if not isinstance(value, str):
                    raise TypeError(f"{type(value).__name__} where a string belongs")
        fields = ("phase", "title", "handbook_version", "started_at")
        if not all(isinstance(data[k], str) for k in fields):
            raise TypeError("a string field holds something else")
        return Run(
            phase=data["phase"],
            title=data["title"],
            answers=answers,
            handbook_version=data["handbook_version"],
            started_at=data["started_at"],
            updated_at=str(data.get("updated_at", "")),
        )
    except AnswersError:
        raise
    except RecursionError as e:
        raise AnswersError(f"{path}: corrupt playbook run file (nested too deeply)") from e
    except (ValueError, KeyError, TypeError) as e:
        raise AnswersError(f"{path}: corrupt playbook run file ({type(e).__name__}: {e})") from e


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for the run file `path`: one reader-modifier-writer at a time.

    The lock is on a sidecar file, since saving replaces the run file (a new inode).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise AnswersError(
            f"{path.parent}/: cannot save runs there ({e.strerror}); "
            "choose another folder with --dir or PLAYBOOK_DIR"
        ) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def update(
    path: Path, phase: Phase, change: Callable[[Run], None], restart: bool = False
) -> tuple[Run, Changes]:
    """Load the run at `path` (or start one, or a new one on `restart`), bring it in line with
    the checklist, apply `change` and save: all under the lock, so no concurrent run's answer
    is lost."""
    with locked(path):
        run = None if restart else load(path)
        changes = Changes()
        if run is None:
            run = Run.start(phase)
        else:
            changes = run.reconcile(phase)
        change(run)
        save(run, path)
    return run, changes


def save(run: Run, path: Path) -> None:
    """Write atomically: a crash leaves either the old file or the new one, never half of one."""
    run.updated_at = now()
    write_atomic(path, json.dumps(run.to_json(), indent=2, ensure_ascii=False) + "\n")


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically, keeping an existing file's mode; AnswersError on
    a symlink (it would be replaced, not followed, which nobody expects) or any OSError."""
    try:
        if path.is_symlink():
            raise AnswersError(f"{path}: is a symbolic link; refusing to replace it")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                os.fchmod(f.fileno(), mode)
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as e:
        raise AnswersError(f"{path}: cannot write it ({e.strerror or e})") from e
