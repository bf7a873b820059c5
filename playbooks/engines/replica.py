"""A streaming standby of a local throwaway PostgreSQL primary, for the Scaling chapter.

`start(primary)` copies the primary with `pg_basebackup -R` (which writes `standby.signal` and
`primary_conninfo`) into a temp dir owned by the `postgres` user when we are root, and starts it
on a free port with the primary's own command-line settings: a hot standby that streams the
primary's WAL and answers read-only queries. Like every local engine it gets a parent-death
signal, is stopped by `Server.stop()` or at exit, and its directory is removed.

The primary must allow replication connections: `wal_level=replica` and `max_wal_senders` are
set by `_local.py`, and initdb's default `pg_hba.conf` admits `replication` connections from
127.0.0.1 with the method `initdb --auth=scram-sha-256` gives every line. pg_basebackup gets the
password in its environment (readable by its own user alone), never on its command line; `-R`
writes it into `primary_conninfo` inside the standby's 0700 data directory, for streaming.

A primary in a container (a version of the matrix) gets its standby in a second container of the
same image, on the host network: the same steps, run by the container's own binaries.
"""

from __future__ import annotations

import shlex
import signal
import time
from typing import Any

from . import EngineUnavailable, Server, track
from ._local import _launch, postgres_bindir
from ._process import free_port, make_workdir, run, service_user
from .readiness import connect

# Settings that must differ between two servers on one machine.
_OWN = ("port", "unix_socket_directories")
_STREAMING_TIMEOUT = 30


def start(primary: Server, name: str = "replica1") -> Server:
    """A hot standby streaming from `primary`; `name` is its application_name on the primary."""
    if primary.origin == "container":
        replica = _start_in_container(primary, name)
    elif primary.origin == "local":
        replica = _start_local(primary, name)
    else:
        raise EngineUnavailable(
            f"a replica is made of a throwaway primary we started; this one is {primary.origin}"
        )
    try:
        _wait_streaming(primary, name)
    except BaseException:
        replica.stop()
        raise
    return replica


def _start_local(primary: Server, name: str) -> Server:
    bindir = postgres_bindir()
    if bindir is None:
        raise EngineUnavailable("no local PostgreSQL (pg_basebackup not found)")
    user = service_user("postgres")
    work = make_workdir("postgres-replica", user)
    data = work / "data"
    run(
        [
            str(bindir / "pg_basebackup"),
            "--host",
            primary.host,
            "--port",
            str(primary.port),
            "--username",
            primary.user,
            "--pgdata",
            str(data),
            "--write-recovery-conf",  # standby.signal + primary_conninfo
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        ],
        user,
        work,
        env={"PGPASSWORD": primary.password},
    )
    port = free_port()
    settings = {**_command_line_settings(primary), "cluster_name": name}
    settings.update({"port": str(port), "unix_socket_directories": str(work)})
    argv = [str(bindir / "postgres"), "-D", str(data)]
    for key, value in settings.items():
        argv += ["-c", f"{key}={value}"]
    replica = Server("postgres", "127.0.0.1", port, user=primary.user, password=primary.password)
    _launch(replica, argv, user, work, signal.SIGQUIT)
    return track(replica)


def _start_in_container(primary: Server, name: str) -> Server:
    from . import containers

    settings = {**_command_line_settings(primary), "cluster_name": name}

    def command(port: int) -> tuple[str, list[str]]:
        own = {**settings, "port": str(port), "unix_socket_directories": "/tmp/sock"}
        options = " ".join(shlex.quote(f"-c{key}={value}") for key, value in own.items())
        basebackup = (
            f"pg_basebackup --host {shlex.quote(primary.host)} --port {primary.port}"
            f" --username {shlex.quote(primary.user)} --pgdata /tmp/data --write-recovery-conf"
            " --wal-method=stream --checkpoint=fast --no-sync"
        )
        script = (
            "set -e; umask 077; mkdir /tmp/sock; "
            'export PGPASSWORD="$DBARCH_PASSWORD"; unset DBARCH_PASSWORD; '
            f"{basebackup}; unset PGPASSWORD; exec postgres -D /tmp/data {options}"
        )
        return "postgres", ["sh", "-c", script]

    return track(containers.run("postgres", primary.image, command, primary.password))


def _command_line_settings(primary: Server) -> dict[str, str]:
    """The settings the primary was started with (`-c`), which the standby must share."""
    with connect(primary, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE source = 'command line'"
        ).fetchall()
    return {name: setting for name, setting in rows if name not in _OWN}


def _wait_streaming(primary: Server, name: str) -> None:
    deadline = time.monotonic() + _STREAMING_TIMEOUT
    with connect(primary, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT state FROM pg_stat_replication WHERE application_name = %s", [name]
            ).fetchone()
            if row and row[0] == "streaming":
                return
            time.sleep(0.02)
    raise RuntimeError(f"the standby {name} is not streaming after {_STREAMING_TIMEOUT}s")


# The end of the last WAL record the primary inserted, from its insert position. Not
# pg_current_wal_lsn(), what is written out: VACUUM's records, which no commit flushes, stay in the
# WAL buffers a while after VACUUM returns (seen after 20 of 20 VACUUMs here). At the start of a
# page the insert position counts the page header (40 bytes on a segment's first page, else 24),
# where no record ends.
_LAST_INSERTED = """
SELECT i::text, CASE
         WHEN (i - '0/0') % s.seg = 40 THEN (i - 40)::text
         WHEN (i - '0/0') % s.blck = 24 THEN (i - 24)::text
         ELSE i::text
       END
  FROM pg_current_wal_insert_lsn() AS i,
       (SELECT current_setting('wal_block_size')::int AS blck,
               (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size') AS seg) AS s
"""


def wait_replayed(primary_conn: Any, replica_conn: Any, timeout: float = 10) -> str:
    """Wait until the standby has replayed every record the primary has inserted; that LSN."""
    import psycopg

    lsn = primary_conn.execute(_LAST_INSERTED).fetchone()[1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done = replica_conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
            ).fetchone()[0]
        except psycopg.errors.SerializationFailure:
            # Replaying a VACUUM, the standby cancels every query whose snapshot might need the
            # rows it removes, this poll included (seen in CI, on 18.6): not there yet.
            done = False
        if done:
            return lsn
        time.sleep(0.01)
    raise TimeoutError(f"the standby has not replayed up to {lsn} after {timeout}s")
