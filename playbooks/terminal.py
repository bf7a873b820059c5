"""Making untrusted text harmless in what `playbook` prints: terminals and Markdown.

Object names, notes, item texts and paths may hold newlines, ESC and other control characters
that forge output lines or drive the terminal. `text` makes them visible; `md_text`, `md_cell`
and `md_code` also keep Markdown's structure (a table's `|`, a code span's backticks) intact.
Also here: whether to colour, and wrapping to the terminal width.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Iterable
from typing import TextIO

# C0 and C1 controls, DEL, and the format characters that reorder or hide text (bidi
# overrides and isolates, zero-width characters, the BOM).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}
# Characters that Markdown may read as emphasis, links, HTML, entities, code or table cells.
_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>|~&])")


def _visible(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def text(value: object) -> str:
    """`value` on one line, every control or hiding character shown as an escape (`\\x1b`)."""
    return _UNSAFE.sub(_visible, str(value))


def md_text(value: object) -> str:
    """`value` as literal Markdown inline text: one line, markup characters escaped."""
    return _MD_ACTIVE.sub(r"\\\1", text(value))


def md_cell(value: object) -> str:
    """`value` as the content of a Markdown table cell (`|` cannot end the cell)."""
    return md_text(value)


def md_code(value: object, cell: bool = False) -> str:
    """`value` as a Markdown code span, whatever backticks it holds; `cell` for a table cell."""
    body = text(value)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    if body.startswith("`") or body.endswith("`") or not body.strip():
        body = f" {body} "
    if cell:  # GFM splits table cells on | even inside code spans, unless escaped
        body = body.replace("|", "\\|")
    return f"{fence}{body}{fence}"


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def width(limit: int = 80) -> int:
    """The terminal's width, at most `limit` columns (long lines are hard to read)."""
    return max(20, min(limit, shutil.get_terminal_size((limit, 24)).columns))


def wrap(value: str, indent: str = "", limit: int = 80) -> str:
    """`value` wrapped at word boundaries to the terminal width, each line starting with indent."""
    return textwrap.fill(
        value,
        width=width(limit),
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def plural(n: int, word: str) -> str:
    """`1 check`, `2 checks`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def and_list(items: Iterable[object]) -> str:
    """The items as a sentence lists them: "15, 17 and 18"."""
    names = [str(item) for item in items]
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
