"""The terminal side of `playbook run`: one item at a time, keys or typed letters."""

from __future__ import annotations

import os
import select
import shutil
import sys
import termios
import tty
from collections.abc import Callable
from pathlib import Path

from .answers import MAX_NOTE_CHARS, Answer, Run, now
from .terminal import plural, text, use_colour
from .terminal import wrap as _wrap

CHOICES = (("done", "d", "done"), ("not-yet", "n", "not yet"), ("n/a", "a", "not applicable"))
_KEYS = {key: state for state, key, _ in CHOICES}
_ESC_WAIT = 0.05  # the bytes of an arrow key arrive together; a lone Esc has none after it


class _Style:
    def __init__(self, colour: bool) -> None:
        on = colour
        self.bold, self.dim = ("\x1b[1m", "\x1b[2m") if on else ("", "")
        self.reverse, self.reset = ("\x1b[7m", "\x1b[0m") if on else ("", "")


def _wait_for_input(fd: int) -> None:
    """Return when `fd` has input. CPython only looks at a signal between calls: a Ctrl-C that
    lands after the prompt is written but before read() blocks would wait for the next key. In
    short selects it is seen within a tenth of a second."""
    while not select.select([fd], [], [], 0.1)[0]:
        pass


def _read_key() -> str:
    """One key press; arrows arrive as escape sequences, a lone Esc as itself."""
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # keep keys typed ahead; Ctrl-C still interrupts
        _wait_for_input(fd)
        key = os.read(fd, 1)
        if key == b"\x1b" and select.select([fd], [], [], _ESC_WAIT)[0]:
            key += os.read(fd, 1)
            if key[1:] in (b"[", b"O"):  # CSI or SS3: parameters, then one final byte
                while True:
                    byte = os.read(fd, 1)
                    key += byte
                    if not byte or 0x40 <= byte[0] <= 0x7E:
                        break
        elif key and key[0] >= 0xC0:  # the rest of a UTF-8 character
            while select.select([fd], [], [], 0)[0] and len(key) < 4:
                key += os.read(fd, 1)
        return key.decode("utf-8", "replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _options_line(selected: int, style: _Style, columns: int) -> str:
    """The choices, shortened until they fit: a line that wraps cannot be redrawn with \\r."""
    for labels, hint in (
        ([label for _, _, label in CHOICES], "   s skip · q stop"),
        ([label for _, _, label in CHOICES], ""),
        (["done", "not yet", "n/a"], ""),
        (["", "", ""], ""),
    ):
        options = [
            f"[{key}] {label}".strip() for (_, key, _), label in zip(CHOICES, labels, strict=True)
        ]
        # +2 for the > < that mark the choice without colour
        if len("  " + "  ".join(options) + hint) + 2 < columns:
            break
    for n, option in enumerate(options):
        if n == selected:
            marked = f"{style.reverse}{option}{style.reset}" if style.reverse else f">{option}<"
            options[n] = marked
    hint = f"{style.dim}{hint}{style.reset}" if hint else ""
    return "  " + "  ".join(options) + hint + " "


def _choose(selected: int, style: _Style) -> str | None:
    """The chosen state, None to skip, or "quit"."""
    while True:
        columns = shutil.get_terminal_size().columns
        sys.stdout.write(f"\r\x1b[K{_options_line(selected, style, columns)}")
        sys.stdout.flush()
        key = _read_key()
        if key in ("\x1b[C", "\x1b[B", "\x1bOC", "\x1bOB", "\t"):
            selected = (selected + 1) % len(CHOICES)
        elif key in ("\x1b[D", "\x1b[A", "\x1bOD", "\x1bOA"):
            selected = (selected - 1) % len(CHOICES)
        elif key in ("\r", "\n"):
            return CHOICES[selected][0]
        elif key.lower() in _KEYS:
            return _KEYS[key.lower()]
        elif key.lower() == "s":
            return None
        elif key.lower() == "q" or key in ("\x04", ""):  # Ctrl-D (or end of input) stops too
            return "quit"


def wrap(value: str, indent: str = "") -> str:
    """Wrapped at word boundaries to the terminal's whole width, however wide."""
    return _wrap(value, indent, limit=10_000)


def _note() -> str:
    sys.stdout.write("  note (Enter for none): ")
    sys.stdout.flush()
    _wait_for_input(sys.stdin.fileno())
    note = input().strip()
    if len(note) > MAX_NOTE_CHARS:
        print(f"  (a note is limited to {MAX_NOTE_CHARS} characters; the rest is dropped)")
        note = note[:MAX_NOTE_CHARS]
    return note


def ask_all(run: Run, record: Callable[[Answer], None], path: Path) -> bool:
    """Ask every unanswered item; `record` saves an answer the moment it is given (and again
    with its note). False when the user stopped. EOFError when input ends at the note prompt."""
    from .checklist import Item

    style = _Style(use_colour(sys.stdout))
    total = len(run.answers)
    items = plural(total, "item")
    header = f"{text(run.title)} — {items}; each answer is saved to {text(path)} at once."
    print(f"{style.bold}{wrap(header)}{style.reset}")
    keys = "keys: d done · n not yet · a not applicable · ←/→ and Enter · s skip · q stop"
    print(f"{style.dim}{wrap(keys)}{style.reset}")
    skipped: set[int] = set()
    while True:
        pending = [i for i, a in enumerate(run.answers) if a.state is None and i not in skipped]
        if not pending:
            return all(a.state for a in run.answers)
        index = pending[0]
        answer = run.answers[index]
        item = Item(answer.checklist, answer.text, 0)
        answered = sum(1 for a in run.answers if a.state)
        where = f"[{index + 1}/{total}] {text(answer.checklist)} · {answered} answered"
        print(f"\n{style.dim}{wrap(where)}{style.reset}")
        print(f"{style.bold}{wrap(text(item.action), '  ')}{style.reset}")
        if item.why:
            print(f"{style.dim}{wrap('why: ' + text(item.why), '  ')}{style.reset}")
        choice = _choose(0, style)
        labels = {state: label for state, _, label in CHOICES}
        print(f"\r\x1b[K  → {labels.get(choice, 'skipped' if choice is None else 'stopped')}")
        if choice == "quit":
            return False
        if choice is None:
            skipped.add(index)
            continue
        # Saved before the note is asked: what the screen shows as given is never lost.
        answer.state, answer.note, answer.answered_at = choice, "", now()
        record(answer)
        note = _note()
        if note:
            answer.note = note
            record(answer)
