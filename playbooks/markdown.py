"""The one Markdown parser of the project: block tokens of a page (CommonMark), for the fences
the suite runs and the checklists `playbook run` walks.

Inline parsing is switched off: both read only block tokens and the raw text of inline ones
(`token.content`), and the site build parses every page on each rebuild.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported on first use: `playbook --help` stays quick

    return MarkdownIt("commonmark").disable("inline")


def blocks(text: str) -> list[Token]:
    """The block tokens of `text`; an inline token carries its raw text, without children."""
    return _parser().parse(text)
