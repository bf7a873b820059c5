"""MySQL, beside MariaDB: the same client and examples; only in a container (Debian's sid).

MySQL 9 logs users in with caching_sha2_password, which sends the password in clear only over
TLS (or with an RSA key exchange that needs the `cryptography` package): the client uses the
TLS the server sets up itself at initialisation, without verifying its self-made certificate.
"""

from __future__ import annotations

import shlex
from typing import Any

from . import Server
from .base import register
from .mariadb import SETTINGS, MariaDB, root_sql


@register
class MySQL(MariaDB):
    name = "mysql"
    start_timeout = 120  # --initialize and the first start: 33 s seen under load here

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        return super().connect(server, database, ssl={"check_hostname": False}, **kwargs)

    def local_missing(self) -> str | None:
        return "no local MySQL: Debian 12 packages MariaDB only (use --engine-versions=mysql:…)"

    def container_command(
        self, port: int, extra: tuple[str, ...] = (), files: tuple[str, ...] = ()
    ) -> tuple[str, list[str]]:
        """`extra` options after SETTINGS; `files` written to /tmp/files (write_files)."""
        from .containers import write_files

        settings = [s for s in SETTINGS if s not in ("--innodb-doublewrite=0",)]
        options = " ".join(shlex.quote(o) for o in (*settings, *extra))
        sql = root_sql("%s").replace("\n", "\\n")
        script = (
            f"set -e; umask 077; mkdir /tmp/sock; {write_files(files)}"
            # printf is a shell builtin: the password goes to a 0700 directory, not into an argv;
            # --initialize runs the file once, then it is removed before the server starts.
            f'printf "{sql}" "$DBARCH_PASSWORD" > /tmp/sock/init.sql; unset DBARCH_PASSWORD; '
            "mysqld --no-defaults --initialize-insecure --datadir=/tmp/data "
            "--init-file=/tmp/sock/init.sql 2>/tmp/init.log; rm /tmp/sock/init.sql; "
            f"exec mysqld --no-defaults --datadir=/tmp/data --port={port} --mysqlx=OFF "
            f"--bind-address=127.0.0.1 --socket=/tmp/sock/mysql.sock {options}"
        )
        return "mysql", ["sh", "-c", script]
