"""MariaDB: local binaries (Debian 12's 10.11) or one of the matrix's images."""

from __future__ import annotations

import os
import shlex
import signal
from typing import Any

from . import Server, _local
from ._process import free_port, make_workdir, new_password, run, service_user
from .base import Engine, register

# Durability off: a throwaway server.
SETTINGS = (
    "--skip-name-resolve",
    "--skip-log-bin",
    "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=0",
    "--innodb-buffer-pool-size=256M",
)


def root_sql(password: str) -> str:
    """The root account clients use, over TCP from 127.0.0.1 only, with `password`."""
    return (
        f"CREATE USER root@'127.0.0.1' IDENTIFIED BY '{password}';\n"
        "GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;\n"
    )


@register
class MariaDB(Engine):
    name = "mariadb"
    scheme = "mysql"
    default_port = 3306
    admin_user = "root"

    def connect(self, server: Server, database: str = "", **kwargs: Any) -> Any:
        import pymysql

        return pymysql.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password,
            database=database or None,
            autocommit=True,
            **kwargs,
        )

    def probe(self, client: Any) -> str:
        with client.cursor() as cur:
            cur.execute("SELECT version()")
            return cur.fetchone()[0]

    def connect_timeout(self) -> dict[str, Any]:
        return {"connect_timeout": 1}

    def not_ready_errors(self) -> tuple[type[BaseException], ...]:
        import pymysql

        return (pymysql.err.OperationalError,)

    def local_missing(self) -> str | None:
        absent = [b for b in ("mariadbd", "mariadb-install-db") if _local._which(b) is None]
        return f"no local mariadb ({', '.join(absent)} not on PATH)" if absent else None

    def start_local(self) -> Server:
        user = service_user("mysql")
        work = make_workdir("mariadb", user)
        data = work / "data"
        # A tmpdir of its own: at start-up mariadbd deletes every #sql* file in its tmpdir, which
        # in a shared /tmp are the temporary tables of the other servers running queries then.
        tmp = work / "tmp"
        tmp.mkdir(mode=0o700)
        if user is not None:
            os.chown(tmp, user.pw_uid, user.pw_gid)
        dirs = [f"--datadir={data}", f"--tmpdir={tmp}"]
        mariadbd = str(_local._which("mariadbd"))
        # root@localhost by Unix socket only, and the socket is in a 0700 directory.
        install = [str(_local._which("mariadb-install-db")), "--no-defaults", *dirs]
        install += ["--auth-root-authentication-method=socket", "--skip-test-db"]
        run(install, user, work)
        password = new_password()
        # The account clients use, created through stdin: no password in argv or in a file.
        bootstrap = [mariadbd, "--no-defaults", "--bootstrap", *dirs]
        run(bootstrap, user, work, input="FLUSH PRIVILEGES;\n" + root_sql(password))
        port = free_port()
        argv = [mariadbd, "--no-defaults", *dirs, f"--port={port}"]
        argv += ["--bind-address=127.0.0.1", f"--socket={work / 'mysql.sock'}"]
        argv += [f"--pid-file={work / 'mariadbd.pid'}", *SETTINGS]
        server = Server("mariadb", "127.0.0.1", port, user="root", password=password)
        return _local._launch(server, argv, user, work, signal.SIGKILL)

    def container_command(
        self, port: int, extra: tuple[str, ...] = (), files: tuple[str, ...] = ()
    ) -> tuple[str, list[str]]:
        """`extra` options after SETTINGS; `files` written to /tmp/files (write_files)."""
        from .containers import write_files

        sql = root_sql("%s").replace("\n", "\\n")
        options = " ".join(shlex.quote(o) for o in (*SETTINGS, *extra))
        script = (
            f"set -e; umask 077; mkdir /tmp/sock; {write_files(files)}"
            "mariadb-install-db --no-defaults --datadir=/tmp/data --skip-test-db "
            "--auth-root-authentication-method=socket >/dev/null; "
            # printf is a shell builtin: the password reaches mariadbd's stdin, not an argv.
            f'printf "FLUSH PRIVILEGES;\\n{sql}" "$DBARCH_PASSWORD" '
            "| mariadbd --no-defaults --bootstrap --datadir=/tmp/data; unset DBARCH_PASSWORD; "
            f"exec mariadbd --no-defaults --datadir=/tmp/data --port={port} "
            f"--bind-address=127.0.0.1 --socket=/tmp/sock/mysql.sock {options}"
        )
        return "mysql", ["sh", "-c", script]
