"""The claims of docs/operations/backup.md, on a real PostgreSQL and a real pgBackRest.

A server of its own (initdb as playbooks/engines/postgres.py does, on a free loopback port, in a
temp dir owned by the `postgres` user when we are root) archives its WAL with the page's
`archive_command` into a pgBackRest repository in the same temp dir, configured by the page's
pgbackrest.conf. The page's commands run as written, with local changes only (`localize`):
`--config` names the temp dir's copy of the configuration; the page's paths, host names and ports
become the temp dir's paths and the loopback servers' ports; PostgreSQL's client programs come
from the server's own bin directory.

Under --engine-versions postgres:N every program (the servers, pgBackRest, the clients) runs in
a container of that version's image, with the pgBackRest its Debian release packages, and the
temp dir mounted at the same path: the tests read and damage its files as they do here.

The fixtures do the work once per module (start, backups, the restore drill); the tests assert
what they observed. Every wait is bounded, every server is stopped, also on failure.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from playbooks import paths
from playbooks.checklist import phases, read_phase
from playbooks.engines import EngineUnavailable, Server, _local, containers, images, track
from playbooks.engines._process import (
    _child_setup,
    _env,
    free_port,
    make_workdir,
    new_password,
    service_user,
    write_private,
)
from playbooks.engines.postgres import SETTINGS, Databases, _initdb_args
from playbooks.engines.readiness import connect
from playbooks.engines.replica import wait_replayed
from playbooks.replay import scalar, statements, wait_for
from playbooks.terminal import and_list
from playbooks.testing.options import (
    own_server,
    record_engine,
    record_measurement,
    served,
    unavailable,
)
from playbooks.testing.summary import used_server

pytestmark = pytest.mark.xdist_group("backup")

# The files under snippets/ that no example runner executes: this module reads and runs them.
CONF = "postgres/backup/pgbackrest.conf"
ARCHIVING = "postgres/backup/archiving.conf"
BACKUP = "postgres/backup/backup.sh"
RESTORE = "postgres/backup/restore.sh"
DUMP = "postgres/backup/dump.sh"
PAGE = paths.DOCS / "operations" / "backup.md"
STANZA = "demo"
SAMPLE_ORDERS = 2_000  # generate_sample_data(n): about 6,000 order items, a few MB
COMMAND_TIMEOUT = 180  # seconds for any one command: generous, the machine is shared
RTO_BOUND = 60  # seconds; the page states this bound and the tests assert it
REPLICA_BOUND = 30  # seconds the test waits for the standby to replay a DROP
TOUCHED = (400, 100)  # orders changed before the differential, then before the incremental
WAL_ONLY_TRANSACTIONS = 50  # committed after the last backup: only the archived WAL holds them

# The page's paths and host names, and what they become in the temp dir.
PAGE_DATA = "/var/lib/postgresql/15/main"
PAGE_DRILL = "/var/lib/postgresql/15/drill"
PAGE_REPO = "/var/lib/pgbackrest"
PAGE_TIME = "2026-12-04 10:41:07.250+00"
PAGE_LABEL = "20261204-101500F_20261204-103000I"
# The pgBackRest that ran beside each PostgreSQL of the matrix: the one its Debian release packages.
PGBACKREST = {15: "2.45", 17: "2.55", 18: "2.60"}


# --- running the page's commands ---------------------------------------------------------------


def commands(path: str, section: str) -> list[list[str]]:
    """The commands of one section of a shell snippet, each as argv (continuations joined)."""
    text = (paths.SNIPPETS / path).read_text()
    m = re.search(rf"\[start:{section}\]\n(.*?)^[^\n]*\[end:{section}\]", text, re.S | re.M)
    assert m, f"{path}: no section {section}"
    joined = m.group(1).replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.strip() and line[0] != "#"]


def postgresql_conf(path: str) -> dict[str, str]:
    """`name = value` lines of a postgresql.conf snippet, quotes removed."""
    found = {}
    for line in (paths.SNIPPETS / path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = (part.strip() for part in line.split("=", 1))
            found[name] = value[1:-1] if value.startswith("'") else value
    return found


@dataclass
class Cluster:
    """The archiving server, its pgBackRest configuration, and how to run commands as its user:
    here, or in `box`, the workbench container of a version of the matrix."""

    work: Path
    user: Any  # pwd.struct_passwd of the server's user (the container's), or None when not root
    server: Server
    settings: dict[str, str]
    replace: dict[str, str] = field(default_factory=dict)  # page text → temp-dir text
    box: Server | None = None

    @property
    def conf(self) -> Path:
        return self.work / "pgbackrest.conf"

    def localize(self, argv: list[str]) -> list[str]:
        """The page's command, for this temp dir: --config after `pgbackrest`, paths replaced,
        PostgreSQL's client programs from the server's own bin directory (in a container, its
        PATH has them)."""
        out = []
        for arg in argv:
            for page, local in self.replace.items():
                arg = arg.replace(page, local)
            out.append(arg)
        if out[0] == "pgbackrest" and out[1:] != ["version"]:  # 2.55 refuses it there
            out.insert(1, f"--config={self.conf}")
        elif self.box is None and (_local.postgres_bindir() / out[0]).exists():
            out[0] = str(_local.postgres_bindir() / out[0])
        return out

    def process(self, argv: list[str], password: str | None = None) -> tuple[list[str], dict]:
        """The argv and subprocess keywords that run a page command (localized) as the server's
        user, in the temp dir, with PGPASSWORD in its environment."""
        password = self.server.password if password is None else password
        if self.box is None:
            return self.localize(argv), {
                "cwd": self.work,
                "env": _env(self.user, {"PGPASSWORD": password}),
                "preexec_fn": _child_setup(self.user, signal.SIGKILL),
            }
        inside = containers.exec_argv(self.box, ("PGPASSWORD",), user="postgres", cwd=self.work)
        return [*inside, *self.localize(argv)], {"env": {**os.environ, "PGPASSWORD": password}}

    def run(
        self, argv: list[str], check: bool = True, password: str | None = None
    ) -> subprocess.CompletedProcess:
        """Run a page command (localized) as the server's user, in the temp dir, bounded."""
        full, how = self.process(argv, password)
        proc = subprocess.run(full, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, **how)
        if check and proc.returncode != 0:
            raise AssertionError(f"{shlex.join(argv)} failed ({proc.returncode}):\n{_out(proc)}")
        return proc

    def sql(self, database: str = "postgres") -> Any:
        return connect(self.server, database, autocommit=True)

    def launch(self, server: Server, data: Path, settings: dict[str, str], work: Path) -> Server:
        """Start `server` on `data`, its log in `work`; stopping it removes `work`."""
        argv = ["postgres", "-D", str(data)]
        argv += [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        if self.box is None:
            argv[0] = str(_local.postgres_bindir() / "postgres")
            return track(_local._launch(server, argv, self.user, work, signal.SIGQUIT))
        # The local start-up path, through `docker exec`, which returns when the server exits;
        # but stopping that client would not stop the server: pg_ctl does, first.
        box = self.box
        server.origin, server.container, server.image = "container", box.container, box.image
        inside = containers.exec_argv(box, user="postgres", cwd=work)
        _local._launch(server, [*inside, *argv], None, work, signal.SIGKILL)
        stop_client = server._stop

        def _stop() -> None:
            pg_ctl = [*containers.exec_argv(box, user="postgres"), "pg_ctl", "stop", "-D"]
            subprocess.run([*pg_ctl, str(data), "-m", "immediate"], capture_output=True, timeout=60)
            if stop_client is not None:
                stop_client()

        server._stop = _stop
        return track(server)

    def start_restored(self, data: Path, name: str) -> Server:
        """A server on a restored data directory: the primary's settings, its own port and
        socket, and archive_mode off so that a drill never writes into the repository."""
        work = self.work / name
        work.mkdir()
        if self.user is not None:
            os.chown(work, self.user.pw_uid, self.user.pw_gid)
        port = free_port()
        settings = {**self.settings, "port": str(port), "unix_socket_directories": str(work)}
        settings["archive_mode"] = "off"
        server = Server("postgres", "127.0.0.1", port, "postgres", self.server.password)
        return self.launch(server, data, settings, work)


def _out(proc: subprocess.CompletedProcess) -> str:
    return (proc.stdout + proc.stderr)[-3000:]


def _write_conf(cluster: Cluster) -> None:
    """The page's pgbackrest.conf with the temp dir's paths, and its logs and locks kept there."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keep option names as written
    parser.read_string((paths.SNIPPETS / CONF).read_text())
    for section in parser.sections():
        for key, value in parser[section].items():
            for page, local in cluster.replace.items():
                value = value.replace(page, local)
            parser[section][key] = value
    for name in ("log", "lock", "spool"):
        (cluster.work / name).mkdir()
        if cluster.user is not None:
            os.chown(cluster.work / name, cluster.user.pw_uid, cluster.user.pw_gid)
        parser["global"][f"{name}-path"] = str(cluster.work / name)
    # The server listens on a free port; pgBackRest reaches it through the temp dir's socket.
    parser[STANZA]["pg1-port"] = cluster.settings["port"]
    parser[STANZA]["pg1-socket-path"] = str(cluster.work)
    with open(cluster.conf, "w") as f:
        parser.write(f)
    if cluster.user is not None:
        os.chown(cluster.conf, cluster.user.pw_uid, cluster.user.pw_gid)


def start_archiving(version: str = "") -> Cluster:
    """initdb, the page's pgbackrest.conf and archive settings, the server started, and the
    page's stanza-create and check run: a server archiving into a repository of its own; of
    this machine's PostgreSQL, or of `version` of the matrix in a workbench container."""
    if version:
        work = make_workdir("backup", None)
        box, user = containers.workbench("postgres", version, work, "postgres")
    else:
        box, user = None, service_user("postgres")
        work = make_workdir("backup", user)
    port = free_port()
    settings = {"port": str(port), "listen_addresses": "127.0.0.1"}
    settings |= {"unix_socket_directories": str(work), **{k: str(v) for k, v in SETTINGS.items()}}
    server = Server("postgres", "127.0.0.1", port, user="postgres", password=new_password())
    cluster = Cluster(work, user, server, settings, box=box)
    try:
        pwfile = write_private(work / "pwfile", server.password, user)
        try:
            cluster.run(["initdb", "-D", str(work / "data"), *_initdb_args(pwfile)])
        finally:
            pwfile.unlink()
        cluster.replace = {
            "localhost": "127.0.0.1",
            PAGE_DATA: str(work / "data"),
            PAGE_REPO: str(work / "repo"),
            "db1.internal": "127.0.0.1",
        }
        _write_conf(cluster)
        archiving = postgresql_conf(ARCHIVING)
        archiving["archive_command"] = shlex.join(
            cluster.localize(shlex.split(archiving["archive_command"]))
        )
        settings.update(archiving)
        # launch removes its directory when the server stops: the temp dir, repository included.
        cluster.launch(server, work / "data", settings, work)
        for argv in commands(BACKUP, "setup"):  # stanza-create, check
            cluster.run(argv)
    except BaseException:
        server.stop()
        if box is not None:
            box.stop()
        raise
    return cluster


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """A PostgreSQL archiving to pgBackRest (stanza created, `check` passed), holding the
    sample data for SAMPLE_ORDERS orders in database `shop`: this machine's PostgreSQL 15, or
    the version of the matrix this run serves."""
    engine, version = served(request.config, "postgres")
    if version:
        try:
            cluster = start_archiving(version)
        except EngineUnavailable as e:
            unavailable(request.config, "postgres", f"the backup claims' workbench: {e}")
        request.addfinalizer(cluster.box.stop)
    else:
        if _local.postgres_bindir() is None:
            unavailable(request.config, "postgres", "no local PostgreSQL binaries")
        if shutil.which("pgbackrest") is None:
            unavailable(request.config, "postgres", "pgbackrest is not installed")
        cluster = start_archiving()
    request.addfinalizer(cluster.server.stop)
    pgbackrest = cluster.run(["pgbackrest", "version"]).stdout.split()[-1]
    record_engine(request.config, "pgbackrest", pgbackrest, cluster.server.origin)
    server = cluster.server
    databases = Databases(server)
    databases.create_sample(SAMPLE_ORDERS, "shop")
    # The templates the sample was cloned from would triple what every backup copies.
    for template in reversed(list(databases._templates.values())):
        databases.drop(template)
    yield cluster


@pytest.fixture(autouse=True)
def _counted_on_the_clusters_version(request: pytest.FixtureRequest) -> None:
    """A test of the archiving server counts as run on its version in the closing summary."""
    if "cluster" in request.fixturenames:
        used_server(request, request.getfixturevalue("cluster").server)


# --- full, differential, incremental ------------------------------------------------------------


@dataclass
class Backups:
    info: dict  # `pgbackrest info --output=json`, the stanza's entry


def _touch_orders(cluster: Cluster, ids: int) -> None:
    """Change `ids` orders, so that the next backup has something to copy."""
    with cluster.sql("shop") as conn:
        conn.execute("UPDATE orders SET status = status WHERE id <= %s", [ids])


@pytest.fixture(scope="module")
def backups(cluster: Cluster) -> Backups:
    cluster.run(commands(BACKUP, "full")[0])
    _touch_orders(cluster, TOUCHED[0])
    cluster.run(commands(BACKUP, "diff")[0])
    _touch_orders(cluster, TOUCHED[1])
    cluster.run(commands(BACKUP, "incr")[0])
    (info,) = json.loads(cluster.run(commands(BACKUP, "info")[0]).stdout)
    return Backups(info)


def test_the_page_names_the_versions_that_ran(cluster, matrix_tests):
    version = cluster.run(["pgbackrest", "version"]).stdout.split()[-1]
    with cluster.sql() as conn:
        major = conn.info.server_version // 10000
    assert version.split(".")[:2] == PGBACKREST[major].split("."), version
    # The page names every version of the matrix, each with its pgBackRest.
    assert sorted(images.VERSIONS["postgres"], key=int) == [str(v) for v in PGBACKREST]
    tools = and_list(PGBACKREST.values())
    text = " ".join(PAGE.read_text().split())
    assert f"on PostgreSQL {and_list(PGBACKREST)}, " in text
    assert f"the pgBackRest its Debian release packages ({tools}):" in text
    assert f"With pgBackRest {tools} alike, `verify` reported `status: error`" in text
    assert f"tests/{Path(__file__).name}" in matrix_tests  # run on each version


def test_the_configuration_is_the_pages_file(cluster):
    text = (paths.SNIPPETS / CONF).read_text()
    assert f"repo1-path={PAGE_REPO}" in text and f"pg1-path={PAGE_DATA}" in text
    assert f"[{STANZA}]" in text
    written = cluster.conf.read_text()
    assert "repo1-retention-full = 2" in written and "compress-type = zst" in written
    with cluster.sql() as conn:
        assert scalar(conn, "SHOW archive_mode") == "on"
        assert "archive-push %p" in scalar(conn, "SHOW archive_command")
        assert scalar(conn, "SHOW archive_timeout") == "1min"


def test_full_differential_and_incremental_backups(backups):
    kinds = [(b["type"], b.get("reference")) for b in backups.info["backup"]]
    full, diff, incr = backups.info["backup"]
    assert [k for k, _ in kinds] == ["full", "diff", "incr"]
    # A differential depends on the full only; an incremental on the full and the differential.
    assert diff["reference"] == [full["label"]]
    assert incr["reference"] == [full["label"], diff["label"]]
    assert backups.info["status"]["message"] == "ok"
    sizes = {b["type"]: b["info"]["repository"]["delta"] for b in backups.info["backup"]}
    # What each one stored in the repository: the incremental a small fraction of the full,
    # the differential (everything since the full) more than the incremental.
    assert sizes["incr"] * 20 < sizes["full"], sizes
    assert sizes["incr"] < sizes["diff"] < sizes["full"], sizes
    # Each restores to the whole cluster: the database's size, not the delta.
    assert incr["info"]["size"] >= full["info"]["size"] * 0.9


def _archiver(conn: Any) -> tuple:
    """archived_count, last_archived_wal, since_last_archived, failed_count, last_failed_wal,
    current_wal: the page's query."""
    return conn.execute((paths.SNIPPETS / "postgres/backup/archiver.sql").read_text()).fetchone()


def test_wal_archiving_works_and_the_current_segment_waits_for_a_switch(cluster, backups):
    with cluster.sql("shop") as conn:
        assert scalar(conn, "SHOW wal_segment_size") == "16MB"
        conn.execute("CREATE TABLE archived_later AS SELECT 1 AS x")
        archived, last, _, failed, _, current = _archiver(conn)
        assert archived > 0 and failed == 0
        # The segment being written is not in the archive yet: a lost server loses it.
        assert last < current
        conn.execute("SELECT pg_switch_wal()")
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while _archiver(conn)[1] < current:
            assert time.monotonic() < deadline, "the switched segment was never archived"
            time.sleep(0.02)
        conn.execute("INSERT INTO archived_later VALUES (2)")
        current = _archiver(conn)[5]
        assert _archiver(conn)[1] < current
    cluster.run(commands(BACKUP, "setup")[1])  # pgbackrest check: switches, waits
    # check returns once the segment is in the repository; the archiver reports it to
    # pg_stat_archiver a moment later (seen behind by one segment under load)
    with cluster.sql("shop") as conn:
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while (state := _archiver(conn))[1] < current and time.monotonic() < deadline:
            time.sleep(0.05)
        archived, last, _, failed, _, _ = state
        assert last >= current and failed == 0
    info = json.loads(cluster.run(commands(BACKUP, "info")[0]).stdout)[0]
    assert info["archive"][0]["max"] >= current


# --- the restore drill ----------------------------------------------------------------------------


def _fingerprint(conn: Any) -> dict[str, tuple[int, str]]:
    """Per table of the drill: its row count and an md5 of all its rows in key order."""
    found = {}
    for table, key in (("order_items", "order_id, line_no"), ("orders", "id")):
        found[table] = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY {key}), '')) "
            f"FROM {table} t"
        ).fetchone()
    found["drill_log"] = conn.execute(
        "SELECT count(*), md5(coalesce(string_agg(note, ',' ORDER BY id), '')) FROM drill_log"
    ).fetchone()
    return found


@dataclass
class Restored:
    seconds: float  # RTO: from the restore command's start to the promoted server answering
    fingerprint: dict[str, tuple[int, str]]
    after_the_mistake: int  # rows of drill_log written after the target (must be 0)
    log: str
    timeline: int


@dataclass
class Drill:
    before: dict[str, tuple[int, str]]  # at the restore point
    by_name: Restored
    by_time: Restored
    production: dict[str, tuple[int, str]]  # after the table was copied back


def _restore(
    cluster: Cluster,
    section: str,
    drill_dir: str,
    marker: str,
    while_running: Callable[[Server], None] | None = None,
) -> Restored:
    cluster.replace[PAGE_DRILL] = str(cluster.work / drill_dir)
    cluster.replace[PAGE_TIME] = marker
    (argv,) = commands(RESTORE, section)
    started = time.monotonic()
    cluster.run(argv)
    server = cluster.start_restored(cluster.work / drill_dir, f"{drill_dir}-run")
    try:
        deadline = started + COMMAND_TIMEOUT
        with connect(server, "shop", autocommit=True) as conn:
            while scalar(conn, "SELECT pg_is_in_recovery()"):  # until promoted
                assert time.monotonic() < deadline, "the restored server was not promoted"
                time.sleep(0.02)
            conn.execute("SELECT count(*) FROM order_items").fetchone()
            seconds = time.monotonic() - started
            fingerprint = _fingerprint(conn)
            after = scalar(conn, "SELECT count(*) FROM drill_log WHERE note = 'after the mistake'")
            timeline = scalar(conn, "SELECT timeline_id FROM pg_control_checkpoint()")
        if while_running is not None:
            while_running(server)
        log = (cluster.work / f"{drill_dir}-run" / "postgres.log").read_text()
    finally:
        server.stop()
    return Restored(seconds, fingerprint, after, log, timeline)


def test_a_failing_archive_command_shows_in_failed_count_and_archiving_resumes(cluster, backups):
    archive = Path(cluster.replace[PAGE_REPO]) / "archive"
    mode = archive.stat().st_mode
    with cluster.sql("shop") as conn:
        failed_before = _archiver(conn)[3]
        conn.execute("CREATE TABLE archived_after_a_failure AS SELECT 1 AS x")
        stuck = _archiver(conn)[5]
        archive.chmod(0)  # archive-push, run as the server's user, can no longer read or write
        try:
            conn.execute("SELECT pg_switch_wal()")
            _, last, _, _, last_failed, _ = wait_for(
                lambda: _archiver(conn),
                "archive_command to fail",
                COMMAND_TIMEOUT,
                accept=lambda state: state[3] > failed_before,
            )
            assert last_failed == stuck and last < stuck
        finally:
            archive.chmod(mode)
        # The archiver retries a failed segment a few times, then waits; the next segment
        # switched wakes it, and it archives the failed one first.
        conn.execute("INSERT INTO archived_after_a_failure VALUES (2)")
        conn.execute("SELECT pg_switch_wal()")
        wait_for(
            lambda: _archiver(conn),
            "archiving to resume",
            COMMAND_TIMEOUT,
            accept=lambda state: state[1] > stuck,
        )
    info = json.loads(cluster.run(commands(BACKUP, "info")[0]).stdout)[0]
    assert info["archive"][0]["max"] > stuck
    assert list(archive.rglob(f"{stuck}-*")), "the failed segment is not in the repository"


@pytest.fixture(scope="module")
def drill(cluster: Cluster, backups: Backups) -> Drill:
    """Work only the WAL holds, a restore point, a marker time, then the mistake (DROP TABLE)
    and more work; then two restores into new directories, by name and by time."""
    with cluster.sql("shop") as conn:
        conn.execute("CREATE TABLE drill_log (id int PRIMARY KEY, note text NOT NULL)")
        for i in range(1, WAL_ONLY_TRANSACTIONS + 1):  # one transaction each, autocommit
            conn.execute("INSERT INTO drill_log VALUES (%s, %s)", [i, f"committed {i}"])
        before = _fingerprint(conn)
        (create_point,) = statements("postgres/backup/restore-point.sql")
        conn.execute(create_point)
        time.sleep(0.01)
        marker = scalar(conn, "SELECT clock_timestamp()::text")
        time.sleep(0.01)
        conn.execute("DROP TABLE order_items")
        conn.execute("INSERT INTO drill_log VALUES (1000, 'after the mistake')")
        conn.execute("SELECT pg_switch_wal()")
    cluster.run(commands(BACKUP, "setup")[1])  # check: waits for the segment's archiving

    def copy_back(restored: Server) -> None:
        """The page's last step: the lost table from the restored copy into production."""
        dump, restore = commands(RESTORE, "copy-back")
        cluster.run([a.replace("5433", str(restored.port)) for a in dump])
        cluster.run([a.replace("5432", str(cluster.server.port)) for a in restore])

    by_name = _restore(cluster, "name", "drill-name", marker, copy_back)
    by_time = _restore(cluster, "time", "drill-time", marker)
    print(f"\nRTO by name {by_name.seconds:.1f} s, by time {by_time.seconds:.1f} s")
    with cluster.sql("shop") as conn:
        production = _fingerprint(conn)
    return Drill(before, by_name, by_time, production)


HOW = ("by_name", "by_time")


@pytest.mark.parametrize("how", HOW)
def test_the_restore_brings_the_data_back_without_the_mistake(drill, how, request):
    restored: Restored = getattr(drill, how)
    # RPO: every transaction committed before the target is there, row for row.
    lost = {t: drill.before[t][0] - restored.fingerprint[t][0] for t in drill.before}
    print(f"\nRPO {how}: rows lost per table {lost}")
    record_measurement(request.config, f"backup.rpo_rows_{how}", sum(lost.values()))
    assert restored.fingerprint == drill.before
    assert restored.fingerprint["drill_log"][0] == WAL_ONLY_TRANSACTIONS
    assert restored.after_the_mistake == 0  # nor anything after the target
    assert restored.timeline == 2  # promoted: a new timeline, the old history kept apart


def test_the_lost_table_copied_back_into_production_keeps_the_later_work(drill):
    assert drill.production["order_items"] == drill.before["order_items"]
    assert drill.production["orders"] == drill.before["orders"]
    # Production also kept what was committed after the mistake, which the restore lacks.
    assert drill.production["drill_log"][0] == WAL_ONLY_TRANSACTIONS + 1


def test_recovery_stops_exactly_at_the_restore_point_or_before_the_first_later_commit(drill):
    assert 'recovery stopping at restore point "before_cleanup"' in drill.by_name.log
    assert re.search(r"recovery stopping before commit of transaction \d+, time", drill.by_time.log)


def test_the_restore_is_fast_on_the_sample_data(drill, request):
    # RTO: from the restore command to the promoted server answering a query.
    for how in HOW:
        restored = getattr(drill, how)
        record_measurement(request.config, f"backup.rto_seconds_{how}", round(restored.seconds, 1))
        assert restored.seconds < RTO_BOUND, restored.seconds
    assert f"under {RTO_BOUND} seconds" in " ".join(PAGE.read_text().split())


NOT_REACHED = "recovery ended before configured recovery target was reached"


def _restore_ends(cluster: Cluster, section: str, drill_dir: str) -> tuple[str, bool]:
    """Restore with the page's `section` into `drill_dir`, start the copy and wait until it is
    promoted or gives up: the server's log, and whether the copy has `order_items`."""
    cluster.replace[PAGE_DRILL] = str(cluster.work / drill_dir)
    (argv,) = commands(RESTORE, section)
    cluster.run(argv)
    try:
        server = cluster.start_restored(cluster.work / drill_dir, f"{drill_dir}-run")
    except RuntimeError as e:  # it exited before it answered: the log is in the message
        return str(e), False
    log = cluster.work / f"{drill_dir}-run" / "postgres.log"
    promoted = "database system is ready to accept connections"
    try:
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while NOT_REACHED not in log.read_text() and promoted not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.05)
        if promoted not in log.read_text():
            return log.read_text(), False
        with connect(server, "shop", autocommit=True) as conn:
            return log.read_text(), scalar(conn, "SELECT to_regclass('order_items') IS NOT NULL")
    finally:
        server.stop()


def test_a_restore_point_older_than_the_latest_backup_needs_the_backup_named(
    cluster, backups, drill
):
    # A later change that reuses the name, after the mistake; then a backup, as a nightly one.
    with cluster.sql("shop") as conn:
        conn.execute(statements("postgres/backup/restore-point.sql")[0])
    cluster.run(commands(BACKUP, "incr")[0])
    # The page's restore by name, as it is: from the latest backup, already past both points.
    log, _ = _restore_ends(cluster, "name", "drill-latest")
    assert NOT_REACHED in log, log[-2000:]
    # With --set naming the last backup before the point (the incremental the drill used):
    # recovery stops at the first restore point of that name, before the DROP.
    cluster.replace[PAGE_LABEL] = backups.info["backup"][-1]["label"]
    log, has_order_items = _restore_ends(cluster, "name-set", "drill-set")
    assert 'recovery stopping at restore point "before_cleanup"' in log
    assert has_order_items


# --- verifying the repository -----------------------------------------------------------------


def test_verify_passes_then_reports_a_corrupted_file_but_exits_zero(cluster, backups, drill):
    (verify,) = commands(BACKUP, "verify")
    clean = cluster.run(verify)
    assert "status: ok" in clean.stdout and "status: error" not in clean.stdout, _out(clean)
    # Every archived WAL segment and every file of each backup checked, all valid.
    assert re.search(r"total WAL checked: (\d+), total valid WAL: \1\b", clean.stdout)
    valid = re.findall(
        r"backup: (\S+), status: valid, total files checked: (\d+), "
        r"total valid files: \2\b",
        clean.stdout,
    )
    # (The report is printed twice: as the text output, and in the INFO log line.)
    labels = list(dict.fromkeys(label for label, _ in valid))
    (info,) = json.loads(cluster.run(commands(BACKUP, "info")[0]).stdout)
    assert labels == [b["label"] for b in info["backup"]], _out(clean)
    full = backups.info["backup"][0]["label"]
    base = cluster.work / "repo" / "backup" / STANZA / full / "pg_data" / "base"
    victim = max((f for f in base.rglob("*") if f.is_file()), key=lambda f: f.stat().st_size)
    with open(victim, "r+b") as f:  # a few bytes in the middle, as a bad disk would
        f.seek(victim.stat().st_size // 2)
        f.write(b"\xde\xad\xbe\xef")
    found = cluster.run(verify, check=False)
    # pgBackRest 2.45 reports the damage, and still exits 0: monitor the output, not the code.
    assert found.returncode == 0, _out(found)
    assert "status: error" in found.stdout, _out(found)
    assert f"invalid checksum '{victim.relative_to(base.parents[2])}'" in found.stdout
    # The differential and the incremental share the full's copy of that file: all of them fail.
    invalid = re.findall(r"backup: (\S+), status: invalid", found.stdout)
    assert list(dict.fromkeys(invalid)) == [b["label"] for b in info["backup"]], _out(found)


def test_retention_keeps_two_fulls_and_expires_the_oldest_with_its_chain_and_wal(
    cluster, backups, drill
):
    (before,) = json.loads(cluster.run(commands(BACKUP, "info")[0]).stdout)
    chain = [b["label"] for b in before["backup"]]  # the first full and everything built on it
    assert [b["type"] for b in before["backup"]].count("full") == 1
    fulls = []
    for _ in range(2):
        _touch_orders(cluster, TOUCHED[1])
        cluster.run(commands(BACKUP, "full")[0])  # pgBackRest expires after each backup
        (info,) = json.loads(cluster.run(commands(BACKUP, "info")[0]).stdout)
        fulls.append(info["backup"][-1])
        labels = [b["label"] for b in info["backup"]]
        if len(fulls) == 1:  # two fulls: nothing expired yet
            assert labels == [*chain, fulls[0]["label"]]
    # A third full: the first goes, with the differential and incrementals that needed it, and
    # the archived WAL from before the oldest full kept.
    assert labels == [f["label"] for f in fulls]
    assert info["archive"][0]["min"] == fulls[0]["archive"]["start"]
    assert before["archive"][0]["min"] < info["archive"][0]["min"]


# --- logical backups ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ledger(cluster: Cluster) -> str:
    """A small database whose table belongs to a role of its own and is granted to another."""
    with cluster.sql() as conn:
        conn.execute("CREATE ROLE ledger_owner NOLOGIN")
        conn.execute("CREATE ROLE auditor NOLOGIN")
        conn.execute("CREATE DATABASE ledger")
        # Grants and settings of the database itself, as docs/operations/security.md has them.
        conn.execute("REVOKE CONNECT, TEMPORARY ON DATABASE ledger FROM PUBLIC")
        conn.execute("GRANT CONNECT ON DATABASE ledger TO auditor")
        conn.execute("ALTER DATABASE ledger SET statement_timeout = '30s'")
    with cluster.sql("ledger") as conn:
        conn.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL)")
        conn.execute("INSERT INTO accounts SELECT g, 1000 FROM generate_series(1, 100) g")
        conn.execute(
            "CREATE TABLE transfers (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "src int NOT NULL, dst int NOT NULL, amount numeric NOT NULL)"
        )
        conn.execute("CREATE TABLE gate (id int)")  # the snapshot test locks it
        for table in ("accounts", "transfers", "gate"):
            conn.execute(f"ALTER TABLE {table} OWNER TO ledger_owner")
        conn.execute("GRANT SELECT ON accounts, transfers TO auditor")
    return "ledger"


@pytest.fixture(scope="module")
def second_server(request: pytest.FixtureRequest) -> Server:
    """A fresh server of its own: the 'db2' the page restores to."""
    server = own_server(request.config, "postgres", "the server a dump is restored to")
    request.addfinalizer(server.stop)
    return server


def _owner_and_grants(server: Server, password: str, database: str) -> tuple[str, list[str]]:
    with psycopg.connect(
        host=server.host, port=server.port, user="postgres", password=password, dbname=database
    ) as conn:
        owner = scalar(conn, "SELECT tableowner FROM pg_tables WHERE tablename = 'accounts'")
        grantees = conn.execute(
            "SELECT grantee FROM information_schema.role_table_grants "
            "WHERE table_name = 'accounts' AND privilege_type = 'SELECT' ORDER BY 1"
        ).fetchall()
        count = scalar(conn, "SELECT count(*) FROM accounts")
    assert count == 100
    return owner, [g for (g,) in grantees if g != owner]  # the owner's own rights aside


def _database_rights(server: Server, password: str, database: str) -> dict[str, Any]:
    """Who may connect to `database` (PUBLIC is grantee 0) and the settings made for it."""
    with psycopg.connect(
        host=server.host, port=server.port, user="postgres", password=password, dbname="postgres"
    ) as conn:
        return {
            "public_connects": scalar(
                conn,
                "SELECT datacl IS NULL OR EXISTS (SELECT FROM aclexplode(datacl) a "
                "WHERE a.grantee = 0 AND a.privilege_type = 'CONNECT') "
                "FROM pg_database WHERE datname = %s",
                (database,),
            ),
            "auditor_connects": scalar(
                conn, "SELECT has_database_privilege('auditor', %s, 'CONNECT')", (database,)
            ),
            "settings": scalar(
                conn,
                "SELECT coalesce(array_agg(c ORDER BY c), '{}') FROM pg_db_role_setting s "
                "JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c "
                "WHERE d.datname = %s AND s.setrole = 0",
                (database,),
            ),
        }


def test_pg_dump_restores_elsewhere_but_roles_need_pg_dumpall_globals(
    cluster, ledger, second_server
):
    cluster.replace["db2.internal"] = "127.0.0.1"
    source = ["--port", str(cluster.server.port)]
    target = ["--port", str(second_server.port)]
    dump, globals_ = commands(DUMP, "dump")
    cluster.run(dump + source)
    cluster.run(globals_ + source)
    roles = (cluster.work / "globals.sql").read_text()
    assert "CREATE ROLE ledger_owner" in roles and "CREATE ROLE auditor" in roles
    # pg_dump's file names the owner and the grant, but creates neither role.
    listing = cluster.run(["pg_restore", "--file=-", "--schema-only", "ledger.dump"]).stdout
    assert "OWNER TO ledger_owner" in listing and "GRANT SELECT" in listing
    assert "CREATE ROLE" not in listing
    # Index definitions, not index contents: the primary key is built after the rows are loaded.
    whole = cluster.run(["pg_restore", "--file=-", "ledger.dump"]).stdout
    assert whole.index("COPY public.accounts") < whole.index("ADD CONSTRAINT accounts_pkey")
    # The roles carry their password hashes: the file is as secret as the passwords.
    assert "SCRAM-SHA-256$" in roles

    psql, restore = commands(DUMP, "restore")

    def into(database: str, exit_on_error: bool = True) -> list[str]:
        """The page's pg_restore, into a database createdb made: without --create."""
        argv = [a for a in restore if a != "--create"]
        argv = [a if a != "--dbname=postgres" else f"--dbname={database}" for a in argv]
        return argv if exit_on_error else [a for a in argv if a != "--exit-on-error"]

    def createdb(database: str, password: str) -> None:
        host_and_user = [a for a in restore if a.startswith(("--host=", "--username="))]
        cluster.run(["createdb", *host_and_user, database, *target], password=password)

    # Without the globals: the restore fails on the missing role (and without --exit-on-error
    # it goes on, and the table ends up owned by whoever restored it, granted to nobody).
    createdb("ledger_strict", second_server.password)
    stopped = cluster.run(
        into("ledger_strict") + target, check=False, password=second_server.password
    )
    assert stopped.returncode != 0
    assert 'role "ledger_owner" does not exist' in stopped.stderr
    createdb("ledger_bare", second_server.password)
    bare = into("ledger_bare", exit_on_error=False)
    failed = cluster.run(bare + target, check=False, password=second_server.password)
    assert failed.returncode != 0
    assert 'role "ledger_owner" does not exist' in failed.stderr
    assert _owner_and_grants(second_server, second_server.password, "ledger_bare") == (
        "postgres",
        [],
    )
    # With the globals first, as the page does it: owner and grant come back.
    cluster.run(psql + target, password=second_server.password)
    # The globals set the target's postgres password to the source's: log in with that now.
    password = cluster.server.password
    # Into a database createdb made, the tables' owner and grants come back, the database's own
    # grants and settings do not: PUBLIC may connect again, the REVOKE is undone.
    createdb("ledger_plain", password)
    cluster.run(into("ledger_plain") + target, password=password)
    assert _owner_and_grants(second_server, password, "ledger_plain") == (
        "ledger_owner",
        ["auditor"],
    )
    assert _database_rights(second_server, password, "ledger_plain") == {
        "public_connects": True,
        "auditor_connects": True,  # as PUBLIC: every role may
        "settings": [],
    }
    # The page's restore, with --create: the database comes from the dump, as it was.
    cluster.run(restore + target, password=password)
    assert _owner_and_grants(second_server, password, "ledger") == ("ledger_owner", ["auditor"])
    assert _database_rights(second_server, password, "ledger") == {
        "public_connects": False,
        "auditor_connects": True,
        "settings": ["statement_timeout=30s"],
    }
    assert _database_rights(cluster.server, cluster.server.password, "ledger") == (
        _database_rights(second_server, password, "ledger")
    )


def test_pg_dump_reads_every_table_in_one_snapshot(cluster, ledger):
    """A transfer committed while pg_dump runs, before it has read a single row, is not in it."""
    dump = [a.replace("ledger.dump", "snapshot.dump") for a in commands(DUMP, "dump")[0]]
    with cluster.sql("ledger") as gate, cluster.sql("ledger") as writer:
        gate.execute("BEGIN")
        gate.execute("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE")
        full, how = cluster.process([*dump, "--port", str(cluster.server.port)])
        proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **how)
        try:
            deadline = time.monotonic() + COMMAND_TIMEOUT
            # pg_dump has begun its transaction and waits for the gate's lock.
            while not scalar(
                writer,
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                "WHERE a.application_name = 'pg_dump' AND NOT l.granted",
            ):
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "pg_dump never waited for the lock"
                time.sleep(0.02)
            # ...holding its snapshot (an xmin) while it waits: taken before any row was read.
            assert scalar(
                writer,
                "SELECT backend_xmin IS NOT NULL FROM pg_stat_activity "
                "WHERE application_name = 'pg_dump'",
            )
            with writer.transaction():
                writer.execute("UPDATE accounts SET balance = balance - 250 WHERE id = 1")
                writer.execute("UPDATE accounts SET balance = balance + 250 WHERE id = 2")
                writer.execute("INSERT INTO transfers (src, dst, amount) VALUES (1, 2, 250)")
            gate.execute("COMMIT")
            assert proc.wait(COMMAND_TIMEOUT) == 0, proc.stdout.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert scalar(writer, "SELECT count(*) FROM transfers") >= 1  # committed, in the database
    data = cluster.run(["pg_restore", "--file=-", "--data-only", "snapshot.dump"]).stdout
    accounts = re.search(r"COPY public\.accounts .*?\n(.*?)\n\\\.", data, re.S).group(1)
    transfers = re.search(r"COPY public\.transfers .*?\n(.*?)\\\.", data, re.S).group(1)
    balances = dict(line.split("\t") for line in accounts.splitlines())
    assert balances["1"] == balances["2"] == "1000"  # neither half of the transfer
    assert transfers.strip() == ""


def test_pg_dumpall_takes_one_snapshot_per_database(cluster):
    """Two databases written 'together' while pg_dumpall was inside the first: the dump has the
    write in the second database and not in the first, a state that never existed."""
    with cluster.sql() as admin:
        for name in ("books_a", "books_b"):
            admin.execute(f"CREATE DATABASE {name}")
    for name in ("books_a", "books_b"):
        with cluster.sql(name) as conn:
            conn.execute("CREATE TABLE entries (id int PRIMARY KEY, note text)")
    (dumpall,) = commands(DUMP, "all")
    with cluster.sql("books_a") as gate, cluster.sql("books_b") as other:
        gate.execute("BEGIN")
        gate.execute("LOCK TABLE entries IN ACCESS EXCLUSIVE MODE")
        full, how = cluster.process([*dumpall, "--port", str(cluster.server.port)])
        proc = subprocess.Popen(
            full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **how
        )
        try:
            deadline = time.monotonic() + COMMAND_TIMEOUT
            while not scalar(
                other,
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                "WHERE a.datname = 'books_a' AND a.application_name = 'pg_dump' "
                "AND NOT l.granted",
            ):
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "pg_dumpall never waited in books_a"
                time.sleep(0.02)
            # The application writes the same entry to both databases, and both commit, after
            # pg_dump took its snapshot of books_a and before pg_dumpall moves on to books_b
            # (written after the gate's commit, the second write could race pg_dump's end).
            gate.execute("INSERT INTO entries VALUES (1, 'booked in both')")
            other.execute("INSERT INTO entries VALUES (1, 'booked in both')")
            gate.execute("COMMIT")
            assert proc.wait(COMMAND_TIMEOUT) == 0, proc.stdout.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    dumped = (cluster.work / "all.sql").read_text()

    def rows(database: str) -> str:
        part = dumped.split(f"\\connect {database}\n", 1)[1]
        return re.search(r"COPY public\.entries .*?\n(.*?)\\\.", part, re.S).group(1)

    assert rows("books_a").strip() == ""
    assert rows("books_b").strip() == "1\tbooked in both"


# --- a replica is not a backup ----------------------------------------------------------------


def test_a_drop_on_the_primary_reaches_the_replica(primary_and_replica):
    p, r = primary_and_replica
    p.execute("CREATE TABLE invoices (id int PRIMARY KEY)")
    p.execute("INSERT INTO invoices SELECT generate_series(1, 1000)")
    wait_replayed(p, r)
    assert scalar(r, "SELECT count(*) FROM invoices") == 1000
    started = time.monotonic()
    p.execute("DROP TABLE invoices")
    while scalar(r, "SELECT to_regclass('invoices') IS NOT NULL"):
        assert time.monotonic() - started < REPLICA_BOUND, "the standby kept the table"
        time.sleep(0.01)
    gone = time.monotonic() - started
    print(f"\nthe standby lost the table {gone:.3f} s after the DROP")
    with pytest.raises(psycopg.errors.UndefinedTable):
        r.execute("SELECT count(*) FROM invoices")


# --- nothing outlives a killed run -----------------------------------------------------------------

_KILLED_CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
import test_claims_backup as t
cluster = t.start_archiving()
print(cluster.work, cluster.server.pids[0], flush=True)
time.sleep(600)
"""


def test_a_killed_run_leaves_no_server_and_no_repository_behind(cluster):
    """The archiving server of a run killed with SIGKILL stops (parent-death signal), and the
    next run removes its temp dir, repository included."""
    from playbooks.engines._process import pid_alive

    here = Path(__file__).parent
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_CHILD, str(here)],
        cwd=here.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        work, pid = child.stdout.readline().split()  # blocks until the server archives
        assert pid_alive(int(pid)) and (Path(work) / "repo" / "archive" / STANZA).is_dir()
        child.kill()
        child.wait(COMMAND_TIMEOUT)
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while pid_alive(int(pid)):
            assert time.monotonic() < deadline, "the server outlived the killed run"
            time.sleep(0.05)
        shutil.rmtree(make_workdir("backup", None))  # the next run clears stale dirs first
        assert not Path(work).exists()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


# --- the page -----------------------------------------------------------------------------------


def test_the_checklist_is_one_line_per_item_with_a_reason():
    phase = read_phase(PAGE)
    assert phase.title == "Backup and recovery"
    # `playbook run backup` walks it: the CLI's list of phases holds the page.
    assert [p.page for p in phases() if p.name == "backup"] == ["operations/backup.md"]
    assert len(phase.items) >= 8
    lines = PAGE.read_text().splitlines()
    for item in phase.items:
        assert item.action and item.why.endswith("."), item
        assert lines[item.line - 1] == f"- [ ] {item.action} — {item.why}", item


def test_the_numbers_on_the_page_are_the_tests_own():
    text = " ".join(PAGE.read_text().split())
    assert f"sample data](../sample-schema.md) for {SAMPLE_ORDERS:,} orders" in text
    assert f"{WAL_ONLY_TRANSACTIONS} more transactions" in text
    assert (
        f"The suite changes {TOUCHED[0]} orders, takes the differential, changes {TOUCHED[1]}"
        in text
    )
    assert f"at most {REPLICA_BOUND} seconds" in text
    assert "table of 1,000 rows" in text


def test_the_page_shows_the_files_the_tests_run():
    text = PAGE.read_text()
    for path in (CONF, ARCHIVING, BACKUP, RESTORE, DUMP):
        assert f'"{path}' in text, path
    for path in ("postgres/backup/restore-point.sql", "postgres/backup/archiver.sql"):
        assert f'"{path}"' in text, path


def test_the_page_shows_each_measurement_these_tests_record():
    shown = set(re.findall(r"<!-- measured: ([\w.-]+) -->", PAGE.read_text()))
    recorded = {f"backup.{m}_{how}" for m in ("rpo_rows", "rto_seconds") for how in HOW}
    assert shown == recorded
