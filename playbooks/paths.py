"""Where the handbook's pages and snippets are: the checkout, or the copy inside the wheel."""

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
_DATA = _CHECKOUT if (_CHECKOUT / "mkdocs.yml").exists() else _PACKAGE / "_data"

DOCS = _DATA / "docs"
SNIPPETS = _DATA / "snippets"

# Where the handbook is published: the links `playbook` prints point there.
SITE_URL = os.environ.get("DBARCH_SITE_URL", "http://127.0.0.1:8000/").rstrip("/") + "/"
