"""Connection strings read with libpq's own parser, and kept out of everything `playbook` prints.

Nothing here echoes a connection string: messages are built from its parsed fields, never from
the text, and the one place libpq quotes the text back (a parse error) has the quotes removed.
Nor is the password ever sent where a man in the middle could ask for it (`no_clear_text`).
"""

from __future__ import annotations

import os
import re
from typing import Any

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


class ClearTextRisk(Exception):
    """This libpq cannot refuse to send the password in clear text; the message says the way out."""


def no_clear_text(params: dict[str, Any]) -> dict[str, str]:
    """require_auth=!password unless the server's certificate and name are verified or the
    connection's parameters (or PGREQUIREAUTH) say otherwise: libpq answers a server that asks
    for the password as it is (the `password` method) over any connection, and with
    sslmode=prefer (libpq's default) or require, a man in the middle could ask. Only libpq 16
    and later know require_auth: with an older one (psycopg's C or pure-Python build uses the
    system's) ClearTextRisk, before anything is sent."""
    import psycopg

    sslmode = params.get("sslmode") or os.environ.get("PGSSLMODE", "")
    if "require_auth" in params or os.environ.get("PGREQUIREAUTH") or sslmode == "verify-full":
        return {}
    version = psycopg.pq.version()
    if version < 160000:
        raise ClearTextRisk(
            f"this libpq ({version // 10000}.{version % 100}, psycopg's {psycopg.pq.__impl__} "
            "build) cannot refuse to send the password in clear text (require_auth needs libpq "
            "16 or later): connect with sslmode=verify-full, or use psycopg's binary build "
            "(PSYCOPG_IMPL=binary), which carries a newer libpq"
        )
    return {"require_auth": "!password"}
