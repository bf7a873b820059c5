"""Connection strings read with libpq's own parser, and kept out of everything `playbook` prints.

Nothing here echoes a connection string: messages are built from its parsed fields, never from
the text, and the one place libpq quotes the text back (a parse error) has the quotes removed.
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r'"([^"]*)"')
_OTHER_ENGINES = re.compile(
    r"^\s*(mysql|mariadb|redis|rediss|mongodb|mongodb\+srv)(\+\w+)?://", re.I
)


class DsnError(ValueError):
    """A connection string that cannot be used; the message is safe to print."""


def parse_dsn(dsn: str) -> dict[str, str]:
    """The fields of a libpq connection string or URL, or DsnError with a printable reason."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    if not dsn or not dsn.strip():
        raise DsnError("the connection string is empty (an unset variable?)")
    other = _OTHER_ENGINES.match(dsn)
    if other:  # playbook check routes mysql:// and mariadb:// to checks_mysql before this
        raise DsnError(
            f"a {other.group(1).lower()}:// URL: this command reads PostgreSQL "
            "(postgresql://… or a libpq key=value string)"
        )
    try:
        return {k: str(v) for k, v in conninfo_to_dict(dsn).items()}
    except ProgrammingError as e:
        raise DsnError(f"cannot parse the connection string: {_unquote(str(e), dsn)}") from None


def _unquote(message: str, dsn: str) -> str:
    """libpq's parse error without the parts of the connection string it quotes back."""

    def hide(m: re.Match[str]) -> str:
        return '"…"' if len(m.group(1)) > 1 and m.group(1) in dsn else m.group(0)

    return _QUOTED.sub(hide, message.strip().splitlines()[0] if message.strip() else "")


def where(params: dict[str, str]) -> str:
    """user@host:port/database, from parsed fields (never the password)."""
    host = params.get("host") or params.get("hostaddr") or "local socket"
    port = params.get("port") or "5432"
    user = f"{params['user']}@" if params.get("user") else ""
    return f"{user}{host}:{port}/{params.get('dbname') or params.get('user') or ''}"


def scrub(message: str, params: dict[str, str]) -> str:
    """An error message from the driver with the password field's value taken out, if present."""
    password = params.get("password")
    if not password:
        return message
    return re.sub(rf"(?<![\w%]){re.escape(password)}(?![\w%])", "***", message)
