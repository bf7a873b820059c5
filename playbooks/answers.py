"""A run of one phase's checklist: its answers, saved atomically after every answer.

The file records each item's text and the handbook version, so a run can be resumed and a
checklist that changed since can be reported (new, removed and reworded items).
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
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


def load(path: Path) -> Run | None:
    """The run saved at `path`, None if there is none; AnswersError if it is not a run."""
    try:
        raw = path.read_text()
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
        return Run(
            phase=data["phase"],
            title=data["title"],
            answers=answers,
            handbook_version=data["handbook_version"],
            started_at=data["started_at"],
            updated_at=data.get("updated_at", ""),
        )
    except AnswersError:
        raise
    except (ValueError, KeyError, TypeError) as e:
        raise AnswersError(f"{path}: corrupt playbook run file ({type(e).__name__}: {e})") from e


def save(run: Run, path: Path) -> None:
    """Write atomically: a crash leaves either the old file or the new one, never half of one."""
    run.updated_at = now()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(run.to_json(), f, indent=2, ensure_ascii=False)
            f.write("\n")
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
