"""Where the handbook's pages and snippets are: the checkout, or the copy inside the wheel."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
_DATA = _CHECKOUT if (_CHECKOUT / "mkdocs.yml").exists() else _PACKAGE / "_data"

DOCS = _DATA / "docs"
SNIPPETS = _DATA / "snippets"
