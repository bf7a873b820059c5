"""Phases, checklists and items, read from the handbook's pages — the only copy of any checklist.

A phase is a page under docs/phases/; a checklist is the heading a Markdown task list stands
under; an item is one `- [ ] action — why it matters` line of that list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import markdown, paths

_TASK = re.compile(r"^\[[ xX]\]\s+")
_WHY = re.compile(r"\s+[—–]\s+|\s+--\s+")


@dataclass(frozen=True)
class Item:
    checklist: str
    text: str  # the whole line after the checkbox, as written on the page
    line: int

    @property
    def action(self) -> str:
        return _WHY.split(self.text, maxsplit=1)[0]

    @property
    def why(self) -> str:
        parts = _WHY.split(self.text, maxsplit=1)
        return parts[1] if len(parts) > 1 else ""


@dataclass
class Phase:
    name: str  # the page's file name without .md: what `playbook run NAME` takes
    title: str
    page: str  # path relative to docs/
    items: list[Item] = field(default_factory=list)

    @property
    def checklists(self) -> list[str]:
        return list(dict.fromkeys(item.checklist for item in self.items))


def read_phase(path: Path, docs: Path = paths.DOCS) -> Phase:
    text = path.read_text()
    phase = Phase(path.stem, path.stem, path.relative_to(docs).as_posix())
    tokens = markdown.blocks(text)
    heading = ""
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[i + 1].content.strip()
            if token.tag == "h1":
                phase.title = title
            heading = title
        elif (
            token.type == "inline"
            and tokens[i - 1].type == "paragraph_open"
            and i >= 2
            and tokens[i - 2].type == "list_item_open"
            and _TASK.match(token.content)
            and token.map
        ):
            first_line = token.content.splitlines()[0]
            phase.items.append(Item(heading, _TASK.sub("", first_line).strip(), token.map[0] + 1))
    return phase


# Folders of docs/ whose pages' checklists `playbook run` walks: the phases of the method, and
# the operations chapters (security, …), which have no phase number and come after them.
PLAYBOOK_DIRS = ("phases", "operations")


def phases(docs: Path = paths.DOCS) -> list[Phase]:
    """Every page under docs/phases/ and docs/operations/ that holds a checklist: the phases in
    the order of their numbers, then the other pages by name."""
    found = [read_phase(p, docs) for d in PLAYBOOK_DIRS for p in sorted((docs / d).glob("*.md"))]
    return sorted((p for p in found if p.items), key=lambda p: (_number(p.title), p.name))


def _number(title: str) -> int:
    m = re.match(r"Phase\s+(\d+)", title)
    return int(m.group(1)) if m else 99
