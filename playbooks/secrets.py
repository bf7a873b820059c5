"""Keeping passwords out of everything `playbook` prints."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit


def password_of(dsn: str) -> str | None:
    if "://" in dsn:
        try:
            password = urlsplit(dsn).password
        except ValueError:
            return None
        return unquote(password) if password else None
    m = re.search(r"(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", dsn)
    return m.group(1).strip("'") if m else None


def redact(text: str, dsn: str) -> str:
    """`text` with the DSN's password, in any spelling it may appear in, replaced by ***."""
    password = password_of(dsn)
    if not password:
        return text
    from urllib.parse import quote

    for spelling in {password, quote(password, safe=""), quote(password)}:
        text = text.replace(spelling, "***")
    return text
