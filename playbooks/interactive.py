"""The terminal side of `playbook run`: one item at a time, keys or typed letters."""

from __future__ import annotations

import sys
import termios
import tty
from collections.abc import Callable
from pathlib import Path

from .answers import Run, now

CHOICES = (("done", "d", "done"), ("not-yet", "n", "not yet"), ("n/a", "a", "not applicable"))
_KEYS = {key: state for state, key, _ in CHOICES}
BOLD, DIM, REVERSE, RESET = "\x1b[1m", "\x1b[2m", "\x1b[7m", "\x1b[0m"


def _read_key() -> str:
    """One key press; arrows arrive as escape sequences."""
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)  # Ctrl-C still raises KeyboardInterrupt
        key = sys.stdin.read(1)
        if key == "\x1b":
            key += sys.stdin.read(2)
        return key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _choose(selected: int) -> str | None:
    """The chosen state, None to skip, or "quit"."""
    while True:
        options = "  ".join(
            f"{REVERSE}[{key}] {label}{RESET}" if n == selected else f"[{key}] {label}"
            for n, (_, key, label) in enumerate(CHOICES)
        )
        sys.stdout.write(f"\r  {options}   {DIM}s skip · q stop{RESET} ")
        sys.stdout.flush()
        key = _read_key()
        if key in ("\x1b[C", "\x1b[B", "\t"):
            selected = (selected + 1) % len(CHOICES)
        elif key in ("\x1b[D", "\x1b[A"):
            selected = (selected - 1) % len(CHOICES)
        elif key in ("\r", "\n"):
            return CHOICES[selected][0]
        elif key.lower() in _KEYS:
            return _KEYS[key.lower()]
        elif key.lower() == "s":
            return None
        elif key.lower() == "q":
            return "quit"


def ask_all(run: Run, save: Callable[[], None], path: Path) -> bool:
    """Ask every unanswered item, saving after each answer; False when the user stopped."""
    from .checklist import Item

    total = len(run.answers)
    print(f"{BOLD}{run.title}{RESET} — {total} items; each answer is saved to {path} at once.")
    print(
        f"{DIM}keys: d done · n not yet · a not applicable · ←/→ and Enter · s skip · q stop{RESET}"
    )
    skipped: set[int] = set()
    while True:
        pending = [i for i, a in enumerate(run.answers) if a.state is None and i not in skipped]
        if not pending:
            return all(a.state for a in run.answers)
        index = pending[0]
        answer = run.answers[index]
        item = Item(answer.checklist, answer.text, 0)
        answered = sum(1 for a in run.answers if a.state)
        print(f"\n{DIM}[{index + 1}/{total}] {answer.checklist} · {answered} answered{RESET}")
        print(f"  {BOLD}{item.action}{RESET}")
        if item.why:
            print(f"  {DIM}why: {item.why}{RESET}")
        choice = _choose(0)
        labels = {state: label for state, _, label in CHOICES}
        print(f"\r\x1b[K  → {labels.get(choice, 'skipped' if choice is None else 'stopped')}")
        if choice == "quit":
            return False
        if choice is None:
            skipped.add(index)
            continue
        note = input("  note (Enter for none): ").strip()
        answer.state, answer.note, answer.answered_at = choice, note, now()
        save()
