"""The claims of docs/operations/maintenance.md, on servers of this module's own.

Each server is of this machine's binaries, or — under `--engine-versions postgres:N` or
`redis:N`, as the matrix runs this module on every version — in a container of that version.
PostgreSQL: a throwaway server (not the session's shared one) whose autovacuum naptime is lowered
to one second, so that a test can wait for autovacuum in bounded time; each test gets a database
of its own on it. The SQL snippets the page shows are replayed statement by statement (the
example runner also runs them on the session's server); pg_repack is run as the client program
of the server's version, by the function the page shows. Redis: a server per test, started like
the engines module starts one, with the page's configuration lines appended, killed with SIGKILL
and started again on the same directory. Every wait is bounded; timings are asserted as bounds
and orderings.
"""

from __future__ import annotations

import itertools
import random
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from playbooks import engines, paths
from playbooks.checklist import phases
from playbooks.engines import Server, _local, containers, images
from playbooks.engines import redis as redis_engine
from playbooks.engines._process import (
    free_port,
    make_workdir,
    new_password,
    service_user,
    spawn,
    stop,
    wait_until,
    write_private,
)
from playbooks.engines.postgres import client_argv
from playbooks.engines.readiness import connect, ready
from playbooks.replay import (
    Background,
    lock_waits,
    replay,
    run_python,
    scalar,
    statements,
    wait_for,
)
from playbooks.sql import run_script
from playbooks.terminal import and_list
from playbooks.testing.options import (
    own_server,
    record_engine,
    record_measurement,
    served,
    unavailable,
)
from playbooks.testing.summary import used_server

PAGE = paths.DOCS / "operations" / "maintenance.md"
WAIT = 60.0  # seconds: the bound of every wait for a server to do something
# Per PostgreSQL major version of the matrix, the pg_repack and pg_partman the page names.
TOOLS = {15: ("1.4", "4.7"), 17: ("1.5", "5.2"), 18: ("1.5", "5.5")}


def major(conn: Any) -> int:
    return conn.info.server_version // 10000


# --- a PostgreSQL server of our own --------------------------------------------------------------


@pytest.fixture(scope="module")
def ops_server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """Of the version of the matrix the run serves PostgreSQL with, if any (a container of its
    own), else of this machine's binaries."""
    server = own_server(request.config, "postgres", "the maintenance claims' own server")
    try:
        with connect(server, autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET autovacuum_naptime = 1")
            conn.execute("SELECT pg_reload_conf()")
            wait_for(
                lambda: scalar(conn, "SHOW autovacuum_naptime") == "1s", "the naptime reload", WAIT
            )
        yield server
    finally:
        server.stop()


# Under xdist, the tests that use this module's PostgreSQL server run on one worker, which starts
# the server (and builds the ledger template) once; the Redis tests go wherever there is room.
ON_OPS_SERVER = pytest.mark.xdist_group("operations")
_counter = itertools.count(1)


@pytest.fixture
def ops_db(ops_server: Server) -> Iterator[tuple[Server, str, Any]]:
    """(server, database name, autocommit connection) for a database of this test's own."""
    name = f"ops_{next(_counter)}"
    with connect(ops_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    conn = connect(ops_server, name, autocommit=True)
    try:
        yield ops_server, name, conn
    finally:
        conn.close()
        with connect(ops_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


# --- autovacuum ----------------------------------------------------------------------------------


def autovacuum_state(conn: Any) -> dict[str, tuple]:
    conn.execute("SELECT pg_stat_clear_snapshot()")
    rows = conn.execute(
        "SELECT relname, n_dead_tup, last_autovacuum FROM pg_stat_user_tables "
        "WHERE relname LIKE 'sessions_%'"
    ).fetchall()
    return {name: (dead, last) for name, dead, last in rows}


@ON_OPS_SERVER
def test_autovacuum_vacuums_the_table_past_its_own_threshold_and_not_the_other(ops_db):
    _, _, conn = ops_db
    assert scalar(conn, "SHOW autovacuum_vacuum_threshold") == "50"  # the defaults
    assert scalar(conn, "SHOW autovacuum_vacuum_scale_factor") == "0.2"
    done = replay(conn, "postgres/maintenance/autovacuum-threshold.sql")
    [rows] = done.rows("vacuum_at")
    by_table = {r[0]: r[1:] for r in rows}
    # threshold + scale_factor * reltuples: 50 + 0.2 * 10000 and 50 + 0.01 * 10000
    assert by_table["sessions_default"] == (500, 2050.0, False, False)
    dead, vacuum_at, due, autovacuumed = by_table["sessions_tuned"]
    assert vacuum_at == 150.0
    # autovacuum (naptime 1 s) may already have been there between the UPDATE and the query
    assert (dead, due) == (500, True) or autovacuumed
    state = wait_for(
        lambda: (s := autovacuum_state(conn))["sessions_tuned"][1] is not None and s,
        "autovacuum vacuums sessions_tuned",
        WAIT,
    )
    assert state["sessions_tuned"][0] == 0
    # The pass that vacuumed sessions_tuned began after both UPDATEs and passed the other by:
    # 500 dead rows are below its 2050.
    assert state["sessions_default"] == (500, None)


@ON_OPS_SERVER
def test_autovacuum_freezes_a_table_past_its_freeze_max_age_though_switched_off_for_it(ops_db):
    _, _, conn = ops_db
    # Three tables with autovacuum off: `twin` keeps the default freeze ages; `dormant` and
    # `unfrozen` have the lowest freeze_max_age a table may have (100,000; the server's is
    # 200,000,000), and `dormant` also freezes every row it vacuums (freeze_min_age 0).
    assert scalar(conn, "SHOW vacuum_freeze_min_age") == "50000000"
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="out of bounds") as refused:
        conn.execute("CREATE TABLE too_low (id int) WITH (autovacuum_freeze_max_age = 99999)")
    detail = refused.value.diag.message_detail
    assert detail == 'Valid values are between "100000" and "2000000000".'
    low = ", autovacuum_freeze_max_age = 100000"
    tables = {"twin": "", "dormant": low + ", autovacuum_freeze_min_age = 0", "unfrozen": low}
    for table, options in tables.items():
        conn.execute(f"CREATE TABLE {table} (id int) WITH (autovacuum_enabled = false{options})")
        conn.execute(f"INSERT INTO {table} SELECT generate_series(1, 1000)")
    conn.execute(
        "CREATE PROCEDURE burn(n int) LANGUAGE plpgsql AS "
        "$$ BEGIN FOR i IN 1..n LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$"
    )
    conn.execute("CALL burn(100100)")  # a transaction ID each: both tables are now that old

    def state() -> dict[str, tuple]:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = conn.execute(
            "SELECT c.relname, age(c.relfrozenxid), s.last_autovacuum FROM pg_class c "
            "JOIN pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.relname IN ('dormant', 'twin', 'unfrozen')"
        ).fetchall()
        return {name: (age, last) for name, age, last in rows}

    after = wait_for(
        state,
        "anti-wraparound autovacuums of dormant and unfrozen",
        WAIT,
        accept=lambda s: s["dormant"][1] and s["unfrozen"][1],
    )
    assert after["dormant"][0] < 1000  # frozen: its age starts again from about zero
    # Vacuumed too, but its rows are younger than vacuum_freeze_min_age (50,000,000): none was
    # frozen, and the table is as old as before.
    assert after["unfrozen"][0] > 100_000
    assert after["twin"][0] > 100_000 and after["twin"][1] is None  # switched off, and left so


def test_the_threshold_query_takes_postgresql_18s_cap_and_earlier_versions_have_none(new_pg_db):
    conn = new_pg_db("none")
    path = "postgres/maintenance/autovacuum-threshold.sql"
    replay(conn, path, upto=-1)
    cap = "ALTER TABLE sessions_default SET (autovacuum_vacuum_max_threshold = 1000)"
    if major(conn) >= 18:
        assert scalar(conn, "SHOW autovacuum_vacuum_max_threshold") == "100000000"
        conn.execute(cap)
        expected = 1000.0  # not 2,050: the table's cap is lower
    else:
        assert (
            scalar(conn, "SELECT current_setting('autovacuum_vacuum_max_threshold', true)") is None
        )
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="unrecognized parameter"):
            conn.execute(cap)
        expected = 2050.0
    [rows] = replay(conn, path, start=-1).rows("vacuum_at")
    assert {r[0]: r[2] for r in rows} == {"sessions_default": expected, "sessions_tuned": 150.0}


# --- bloat ---------------------------------------------------------------------------------------


@ON_OPS_SERVER
def test_vacuum_makes_space_reusable_and_vacuum_full_gives_it_back(ops_db):
    _, _, conn = ops_db
    path = "postgres/maintenance/bloat.sql"
    vacuum = next(i for i, s in enumerate(statements(path)) if s.startswith("VACUUM ledger"))
    deleted = replay(conn, path, upto=vacuum).rows("pgstattuple")
    # What VACUUM may remove depends on every snapshot of this database (and slots): it removes
    # the deleted rows once none older than the DELETE is left. Under load an autovacuum
    # worker's ANALYZE of a catalog may still hold one (once, in `make bench`, VACUUM removed
    # nothing): wait until none does, as the page's reader would find it on a quiet server.
    wait_for(lambda: not _horizon_holders(conn), "no older snapshot in this database", WAIT)
    vacuumed, refilled, rebuilt = replay(conn, path, start=vacuum).rows("pgstattuple")
    (size1, dead1, free1), (size2, dead2, free2) = deleted[0][0], vacuumed[0]
    (size3, dead3, free3), (size4, dead4, free4) = refilled[0], rebuilt[0]
    assert 3_000_000 < size1 < 4_000_000  # "about 3.5 MB"
    assert dead1 > 80 and free1 < 5  # nine rows in ten dead, the space not yet free
    assert size2 == size1  # VACUUM does not shrink the file ...
    assert dead2 == 0 and free2 > 85, _horizon_holders(conn)  # ... it turns them to free space
    assert size3 == size2 and free3 < free2  # 4,000 new rows went into that space
    assert size4 < size1 / 3 and free4 < 5  # VACUUM FULL wrote a compact file
    assert dead3 == dead4 == 0
    # ... except where whole pages at the end of the file are empty: those VACUUM cuts off
    half = size4 // 8192 // 2
    conn.execute(f"DELETE FROM ledger WHERE ctid >= '({half},0)'")  # every row of the last half
    conn.execute("VACUUM ledger")
    assert scalar(conn, "SELECT pg_relation_size('ledger')") < size4


def _horizon_holders(conn: Any) -> list[tuple]:
    """The other sessions of this database, the sessions of none (a walsender) and the slots
    that hold an xmin: what keeps the rows this database's transactions deleted."""
    return conn.execute(
        "SELECT 'backend', pid::text, datname, backend_type, backend_xmin::text, state, "
        "left(query, 80) FROM pg_stat_activity WHERE backend_xmin IS NOT NULL "
        "AND pid <> pg_backend_pid() AND (datname = current_database() OR datname IS NULL) "
        "UNION ALL SELECT 'slot', slot_name, database, slot_type, xmin::text, "
        "catalog_xmin::text, '' FROM pg_replication_slots "
        "WHERE xmin IS NOT NULL OR (catalog_xmin IS NOT NULL AND database = current_database())"
    ).fetchall()


# --- freezing ------------------------------------------------------------------------------------


@ON_OPS_SERVER
def test_vacuum_freeze_advances_relfrozenxid(ops_db):
    _, _, conn = ops_db
    done = replay(conn, "postgres/maintenance/freeze.sql")
    [databases] = done.rows("pct_of_freeze_max_age")
    before, after = done.rows("FROM pg_class WHERE relname")
    assert {r[0] for r in databases} >= {"postgres", "template0", "template1"}
    assert all(age >= 0 and pct < 1 for _, age, pct in databases)
    assert scalar(conn, "SHOW autovacuum_freeze_max_age") == "200000000"
    [(_, xid_before, age_before)] = before
    [(_, xid_after, age_after)] = after
    assert age_before >= 2000  # the DO block's 2,000 transactions
    assert age_after < 100 <= age_before - age_after  # VACUUM (FREEZE) reset the table's age
    assert int(xid_after) - int(xid_before) >= 2000  # relfrozenxid moved forward


def _vacuum_verbose(conn: Any, table: str) -> str:
    """VACUUM (VERBOSE) `table`: its report, as the server sent it."""
    notices: list[str] = []
    handler = notices.append
    conn.add_notice_handler(lambda diag: handler(diag.message_primary or ""))
    conn.execute(f"VACUUM (VERBOSE) {table}")
    return "\n".join(notices)


@ON_OPS_SERVER
def test_a_physical_slot_keeps_wal_but_not_dead_rows_and_an_old_snapshot_does(ops_db):
    server, name, conn = ops_db
    conn.execute("CREATE TABLE churn (id int) WITH (autovacuum_enabled = false)")
    conn.execute("INSERT INTO churn SELECT generate_series(1, 1000)")
    conn.execute("SELECT pg_create_physical_replication_slot('nobody_reads', true)")
    try:
        # An open snapshot in the same database: the deleted rows must stay.
        with connect(server, name) as holder:
            holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            holder.execute("SELECT count(*) FROM churn")
            conn.execute("DELETE FROM churn")
            held = _vacuum_verbose(conn, "churn")
            holder.execute("ROLLBACK")
        assert "tuples: 0 removed, 1000 remain, 1000 are dead but not yet removable" in held, held
        # The slot alone: WAL reserved from its restart point, no xmin, nothing held back.
        slot = conn.execute(
            "SELECT restart_lsn IS NOT NULL, xmin, catalog_xmin FROM pg_replication_slots "
            "WHERE slot_name = 'nobody_reads'"
        ).fetchone()
        assert slot == (True, None, None)
        freed = _vacuum_verbose(conn, "churn")
        assert "tuples: 1000 removed, 0 remain, 0 are dead but not yet removable" in freed, freed
    finally:
        conn.execute("SELECT pg_drop_replication_slot('nobody_reads')")


# --- pg_repack against VACUUM FULL, with a writer ------------------------------------------------

# An index whose expression sleeps half a millisecond per row: building it takes a second or more
# on a small table, so both rebuilds last long enough to see what a writer does meanwhile.
SLOW_TABLE = """
CREATE FUNCTION slow_key(bigint) RETURNS bigint IMMUTABLE LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_sleep(0.0005); RETURN $1; END $$;
CREATE TABLE ledger (id bigint PRIMARY KEY, amount bigint NOT NULL, note text NOT NULL)
    WITH (autovacuum_enabled = false);
INSERT INTO ledger SELECT g, g % 1000, repeat('x', 120) FROM generate_series(1, 20000) AS g;
DELETE FROM ledger WHERE id % 10 <> 0;
VACUUM ledger;
CREATE INDEX ledger_slow_idx ON ledger (slow_key(id));
"""
LIVE_ROWS = 2000


@dataclass
class Writer:
    """A second connection that inserts and updates rows in a loop, timing every statement."""

    url: str
    inserted: int = 0
    added: int = 0  # what the writer added to sum(amount), by its inserts and updates
    timings: list[tuple[float, float]] = field(default_factory=list)  # (start, end), monotonic
    error: BaseException | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Writer:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        wait_for(lambda: len(self.timings) >= 5, "the writer's first statements", 30)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(WAIT)
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        rng = random.Random(7)
        try:
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("SET lock_timeout = '60s'")
                while not self._stop.is_set():
                    started = time.monotonic()
                    if rng.random() < 0.5:
                        self.inserted += 1
                        conn.execute(
                            "INSERT INTO ledger VALUES (%s, 1, 'new')", [1_000_000 + self.inserted]
                        )
                    else:
                        conn.execute(
                            "UPDATE ledger SET amount = amount + 1 WHERE id = %s",
                            [10 * rng.randint(1, LIVE_ROWS)],
                        )
                    self.added += 1
                    self.timings.append((started, time.monotonic()))
                    time.sleep(0.01)
        except BaseException as e:  # reported by stop()
            self.error = e

    def longest(self, since: float, until: float) -> tuple[float, float]:
        """The (start, end) of the slowest statement that overlapped [since, until]."""
        overlapping = [t for t in self.timings if t[1] >= since and t[0] <= until]
        return max(overlapping, key=lambda t: t[1] - t[0])

    def finished_between(self, since: float, until: float) -> int:
        return sum(1 for _, end in self.timings if since <= end <= until)


def ledger_totals(conn: Any) -> tuple[int, int]:
    return conn.execute("SELECT count(*), sum(amount) FROM ledger").fetchone()


@pytest.fixture(scope="module")
def ledger_template(ops_server: Server) -> str:
    """A database holding the bloated ledger with its slow index, built once and cloned."""
    name = "ops_ledger_template"
    with connect(ops_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    with connect(ops_server, name, autocommit=True) as conn:
        run_script(conn, SLOW_TABLE)
        conn.execute("CREATE EXTENSION pg_repack")
    return name


@pytest.fixture
def slow_ledger(ops_server: Server, ledger_template: str) -> Iterator[tuple[str, Any]]:
    """(URL, autocommit connection) of a fresh copy of the ledger database."""
    name = f"ops_{next(_counter)}"
    with connect(ops_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {ledger_template} STRATEGY FILE_COPY")
    conn = connect(ops_server, name, autocommit=True)
    try:
        yield ops_server.url(name), conn
    finally:
        conn.close()
        with connect(ops_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def page_repack(server: Server) -> tuple[Callable[..., str], list[str]]:
    """The page's repack() and the pg_repack client of `server`'s version."""
    repack = run_python("postgres/maintenance/repack.py", name="repack")["repack"]
    return repack, client_argv(server, "pg_repack")


def repack_version(program: list[str]) -> str:
    """The version the pg_repack client prints ("pg_repack 1.5.3" → "1.5.3")."""
    shown = subprocess.run([*program, "--version"], capture_output=True, text=True, check=True)
    return shown.stdout.split()[-1]


@ON_OPS_SERVER
def test_pg_repack_shrinks_a_table_while_a_writer_keeps_writing(slow_ledger, ops_server, request):
    url, conn = slow_ledger
    repack, program = page_repack(ops_server)
    version = repack_version(program)
    record_engine(request.config, "pg_repack", version, ops_server.origin)
    assert version.startswith(f"{TOOLS[major(conn)][0]}.")  # as the page says
    size_before = scalar(conn, "SELECT pg_relation_size('ledger')")
    count0, sum0 = ledger_totals(conn)
    assert count0 == LIVE_ROWS
    writer = Writer(url).start()
    try:
        started = time.monotonic()
        report = repack(url, "public.ledger", program)
        ended = time.monotonic()
        time.sleep(0.1)
    finally:
        writer.stop()
    assert 'repacking table "public.ledger"' in report
    took = ended - started
    assert took > 1.0  # the slow index alone costs over a second (2,000 rows, 0.5 ms each)
    slowest = writer.longest(started, ended)
    # The writer never waited long: its slowest statement during the rebuild stayed under 2 s
    # (tens of milliseconds, usually) and far below the rebuild's duration, and it kept
    # finishing statements throughout.
    assert slowest[1] - slowest[0] < min(2.0, took / 4)
    assert writer.finished_between(started, ended) >= 20
    # Every write survived the swap, and the table shrank.
    assert ledger_totals(conn) == (count0 + writer.inserted, sum0 + writer.added)
    assert scalar(conn, "SELECT pg_relation_size('ledger')") < size_before / 3


@ON_OPS_SERVER
def test_a_pg_repack_client_of_another_version_refuses_to_start(slow_ledger, ops_server):
    """The page: another client than the extension's version "refuses to start". This machine's
    client (Debian 12's, beside PostgreSQL 15) against the run's server: with the extension of
    its own version it rebuilds the table, with another (PostgreSQL 17's and 18's) it stops."""
    url, conn = slow_ledger
    repack = run_python("postgres/maintenance/repack.py", name="repack")["repack"]
    bindir = _local.postgres_bindir()
    assert bindir is not None and bindir.parts[-2] == "15", bindir
    here = [str(bindir / "pg_repack")]
    client = repack_version(here)
    extension = scalar(conn, "SELECT extversion FROM pg_extension WHERE extname = 'pg_repack'")
    if client == extension:
        assert 'repacking table "public.ledger"' in repack(url, "public.ledger", here)
        return
    with pytest.raises(RuntimeError) as refused:
        repack(url, "public.ledger", here)
    said = f"program 'pg_repack {client}' does not match database library 'pg_repack {extension}'"
    assert said in str(refused.value)
    page = " ".join(PAGE.read_text().split())
    quoted = re.search(r"stopped with \"(program 'pg_repack [^\"]+)\"", page)
    assert quoted and re.sub(r"\d+\.\d+\.\d+", "V", quoted[1]) == re.sub(
        r"\d+\.\d+\.\d+", "V", said
    )
    assert ops_server.version.split(".")[0] in ("17", "18")
    if f"'pg_repack {extension}'" in quoted[1]:  # the pair the page quotes: word for word
        assert quoted[1] == said


def repack_locks(observer: Any) -> list[tuple[bool, str]]:
    """(granted, mode) of each lock pg_repack's sessions hold or await on ledger."""
    return observer.execute(
        "SELECT l.granted, l.mode FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
        "WHERE a.application_name = 'pg_repack' AND l.relation = 'ledger'::regclass"
    ).fetchall()


@ON_OPS_SERVER
def test_pg_repack_takes_access_exclusive_only_to_start_and_to_swap(slow_ledger, ops_server):
    """A reader's open transaction makes pg_repack wait twice, each time for ACCESS EXCLUSIVE:
    before it starts (the trigger) and before the swap. In between, while it copies the rows and
    builds the indexes, readers get in. What it holds meanwhile depends on its version: ACCESS
    SHARE up to 1.5.2 (seen with 1.4.8 and 1.5.2), SHARE UPDATE EXCLUSIVE with 1.5.3, which
    keeps VACUUM of the table waiting too."""
    url, _ = slow_ledger
    repack, program = page_repack(ops_server)
    version = tuple(int(n) for n in repack_version(program).split("."))
    holds = "ShareUpdateExclusiveLock" if version >= (1, 5, 3) else "AccessShareLock"

    def awaits(observer: Any) -> list[str]:
        return [mode for granted, mode in repack_locks(observer) if not granted]

    reported: list[str] = []
    with psycopg.connect(url, autocommit=True) as observer, psycopg.connect(url) as reader:
        reader.execute("SELECT count(*) FROM ledger").fetchone()  # holds ACCESS SHARE
        rebuild = threading.Thread(
            target=lambda: reported.append(repack(url, "public.ledger", program)), daemon=True
        )
        rebuild.start()
        try:
            assert wait_for(lambda: awaits(observer), "pg_repack to wait", WAIT) == [
                "AccessExclusiveLock"
            ]
            reader.rollback()  # let it start; then read again while it copies
            copying = wait_for(
                lambda: repack_locks(observer),
                "pg_repack to copy",
                WAIT,
                # past the moment it holds ACCESS EXCLUSIVE to add its trigger
                accept=lambda locks: (
                    locks and all(g and m != "AccessExclusiveLock" for g, m in locks)
                ),
            )
            # the copy runs in a SERIALIZABLE transaction: its SIReadLock blocks nobody
            modes = {mode for _, mode in copying} - {"SIReadLock"}
            assert holds in modes and modes <= {"AccessShareLock", holds}, (version, modes)
            started = time.monotonic()
            reader.execute("SELECT count(*) FROM ledger").fetchone()
            assert time.monotonic() - started < 1.0  # the reader was let in at once
            observer.execute("SET lock_timeout = '500ms'")
            if holds == "AccessShareLock":
                observer.execute("VACUUM ledger")
            else:
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    observer.execute("VACUUM ledger")
            observer.execute("RESET lock_timeout")
            assert wait_for(lambda: awaits(observer), "pg_repack to wait again", WAIT) == [
                "AccessExclusiveLock"
            ]
        finally:
            reader.rollback()
            rebuild.join(WAIT)
    assert len(reported) == 1 and 'repacking table "public.ledger"' in reported[0]


@ON_OPS_SERVER
def test_pg_repack_gives_up_on_a_table_locked_past_its_wait_timeout_and_cancels_nobody(
    slow_ledger, ops_server
):
    url, conn = slow_ledger
    repack, program = page_repack(ops_server)
    size_before = scalar(conn, "SELECT pg_relation_size('ledger')")
    with psycopg.connect(url) as holder:  # an open transaction that has read the table
        holder.execute("SELECT count(*) FROM ledger").fetchone()
        started = time.monotonic()
        # pg_repack itself exits with 0 here; repack() raises on the line that says it gave up.
        with pytest.raises(RuntimeError, match=r"(?s)\(0\).*do not cancel.*Skipping repack"):
            repack(url, "public.ledger", program, wait_timeout=2)
        waited = time.monotonic() - started
        # The holder's transaction is intact: pg_repack neither cancelled nor terminated it.
        assert holder.execute("SELECT count(*) FROM ledger").fetchone()[0] == LIVE_ROWS
        holder.commit()
    assert 2 <= waited < 30
    assert scalar(conn, "SELECT pg_relation_size('ledger')") == size_before


@ON_OPS_SERVER
def test_vacuum_full_makes_writers_and_readers_wait_for_the_whole_rebuild(slow_ledger):
    url, conn = slow_ledger
    count0, sum0 = ledger_totals(conn)
    size_before = scalar(conn, "SELECT pg_relation_size('ledger')")
    writer = Writer(url).start()
    seen_blocked: list[int] = []
    try:
        with psycopg.connect(url, autocommit=True) as rebuild:
            pid = rebuild.info.backend_pid

            def watch() -> None:  # a third connection sees whom the writer waits for
                with psycopg.connect(url, autocommit=True) as monitor:
                    deadline = time.monotonic() + WAIT
                    while not seen_blocked and time.monotonic() < deadline:
                        seen_blocked.extend(
                            r[0]
                            for r in monitor.execute(
                                "SELECT unnest(pg_blocking_pids(pid)) FROM pg_stat_activity "
                                "WHERE query LIKE 'INSERT INTO ledger%%' "
                                "   OR query LIKE 'UPDATE ledger%%'"
                            )
                        )
                        time.sleep(0.02)

            read: list[float] = []

            def reader() -> None:  # a plain SELECT, sent once the rebuild holds its lock
                wait_for(lambda: seen_blocked, "the writer blocked by VACUUM FULL", WAIT)
                with psycopg.connect(url, autocommit=True) as conn:
                    read.append(time.monotonic())
                    conn.execute("SELECT count(*) FROM ledger").fetchone()
                    read.append(time.monotonic())

            watcher = threading.Thread(target=watch, daemon=True)
            reading = threading.Thread(target=reader, daemon=True)
            watcher.start()
            reading.start()
            started = time.monotonic()
            rebuild.execute("VACUUM FULL ledger")
            ended = time.monotonic()
            watcher.join(WAIT)
            reading.join(WAIT)
        time.sleep(0.1)
    finally:
        writer.stop()
    took = ended - started
    assert took > 1.0
    assert pid in seen_blocked  # the writer's statement waited for the VACUUM FULL's lock
    wait_start, wait_end = writer.longest(started, ended)
    # The blocked statement was sent while the rebuild ran and came back only at its end:
    # it waited for (nearly) the whole rebuild, not a moment.
    assert started <= wait_end and wait_start <= ended <= wait_end + 0.5
    assert wait_end - wait_start > took / 2
    # A reader waits as well: its SELECT, sent during the rebuild, returned only at its end.
    assert len(read) == 2 and started <= read[0] < ended
    assert read[1] - read[0] > 0.2 and read[1] >= ended - 0.1
    assert ledger_totals(conn) == (count0 + writer.inserted, sum0 + writer.added)
    assert scalar(conn, "SELECT pg_relation_size('ledger')") < size_before / 3


# --- pg_partman ----------------------------------------------------------------------------------


def day_names(conn: Any, first: date, last: date) -> list[str]:
    """The names pg_partman gives the daily partitions of `readings`, `first` to `last`:
    readings_p2026_12_07 in version 4, readings_p20261207 in version 5."""
    version = scalar(conn, "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")
    day = "%Y_%m_%d" if version.startswith("4.") else "%Y%m%d"
    days = (last - first).days + 1
    return [f"readings_p{(first + timedelta(d)).strftime(day)}" for d in range(days)]


PARTMAN = "postgres/maintenance/partman.sql"


def partman_parent(conn: Any) -> list[str]:
    """Runs partman.sql up to its create_parent (the schema, the extension, the table, ten
    daily partitions and a default); returns all of the script's statements."""
    script = statements(PARTMAN)
    for statement in script[:4]:
        conn.execute(statement)
    return script


@ON_OPS_SERVER
def test_pg_partman_premakes_partitions_and_drops_old_ones(ops_db, request):
    server, _, conn = ops_db
    done = replay(conn, PARTMAN)
    today = scalar(conn, "SELECT current_date")
    version = scalar(conn, "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")
    record_engine(request.config, "pg_partman", version, server.origin)
    assert version.startswith(f"{TOOLS[major(conn)][1]}.")  # as the page says
    created, final = done.rows("pg_get_expr(c.relpartbound")
    assert [r[0] for r in created] == [
        "readings_default",
        *day_names(conn, today - timedelta(6), today + timedelta(3)),
    ]
    first = created[1]
    start = (today - timedelta(6)).isoformat()
    end = (today - timedelta(5)).isoformat()
    assert first[1] == f"FOR VALUES FROM ('{start} 00:00:00+00') TO ('{end} 00:00:00+00')"
    # First run, no rows yet: retention dropped the three oldest days, no new day was made.
    [[(partitions,)]] = done.rows("AS partitions")
    assert partitions == 7  # today - 3 … today + 3
    # Second run, rows for today: five days ahead of them; still only three days back.
    assert [r[0] for r in final] == [
        "readings_default",
        *day_names(conn, today - timedelta(3), today + timedelta(5)),
    ]
    assert scalar(conn, "SELECT count(*) FROM readings") == 100


@ON_OPS_SERVER
def test_pg_partman_refuses_the_other_versions_name_for_declarative_partitioning(ops_db):
    """The page: version 5 "refuses 'native' with 'native is not a valid partitioning type for
    pg_partman'", and version 4 refuses 'range' the same way: the snippet asks the version."""
    _, _, conn = ops_db
    for statement in statements(PARTMAN)[:3]:  # the schema, the extension, the table
        conn.execute(statement)
    version = scalar(conn, "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")
    other = "range" if version.startswith("4.") else "native"
    with pytest.raises(psycopg.errors.RaiseException) as refused:
        conn.execute(
            "SELECT partman.create_parent(p_parent_table => 'public.readings', "
            "p_control => 'recorded_at', p_type => %s, p_interval => '1 day')",
            [other],
        )
    # 4.7 appends its own CONTEXT, DETAIL and HINT lines to the message
    said = refused.value.diag.message_primary.splitlines()[0].rstrip()
    assert said == f"{other} is not a valid partitioning type for pg_partman"
    page = " ".join(PAGE.read_text().split())
    if other == "native":
        assert f"Version 5 refuses `'native'` with \"{said}\"" in page
    else:
        assert "version 4 refuses `'range'` the same way" in page


@ON_OPS_SERVER
def test_pg_partman_with_infinite_time_partitions_follows_the_clock(ops_db):
    _, _, conn = ops_db
    partman_parent(conn)  # premake 3
    conn.execute(
        "UPDATE partman.part_config SET premake = 5, infinite_time_partitions = true "
        "WHERE parent_table = 'public.readings'"
    )
    conn.execute("SELECT partman.run_maintenance('public.readings')")  # still no row
    today = scalar(conn, "SELECT current_date")
    names = {r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relkind = 'r'")}
    assert set(day_names(conn, today, today + timedelta(5))) <= names  # five days ahead, no data


@ON_OPS_SERVER
def test_pg_partman_retention_waits_for_the_parents_access_exclusive_lock_behind_a_reader(ops_db):
    """The page: retention drops a partition with DROP TABLE, which locks the parent. A reader's
    open transaction on the parent holds the maintenance run back; while it waits, it holds the
    parent's queue, so a new reader waits too; once the reader ends, retention goes through."""
    server, name, conn = ops_db
    script = partman_parent(conn)
    [retention] = [s for s in script if s.startswith("UPDATE partman.part_config")]
    conn.execute(retention)  # retention '3 days', retention_keep_table = false: DROP TABLE
    maintain = next(s for s in script if s.startswith("SELECT partman.run_maintenance"))
    today = scalar(conn, "SELECT current_date")
    oldest = day_names(conn, today - timedelta(6), today - timedelta(4))
    count = "SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass"
    assert scalar(conn, count) == 11  # ten days and the default
    with connect(server, name) as reader, connect(server, name, autocommit=True) as maint:
        reader.execute("SELECT count(*) FROM readings")  # its transaction stays open
        running = Background(maint, maintain)
        waiting = lock_waits(conn, maint.info.backend_pid, timeout=WAIT)
        # the parent, not a partition
        assert waiting == [("relation", "readings", "AccessExclusiveLock")]
        with connect(server, name, autocommit=True) as late:
            late.execute("SET lock_timeout = '500ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                late.execute("SELECT count(*) FROM readings")  # queued behind the DROP
        assert scalar(conn, count) == 11 and running.thread.is_alive()  # nothing dropped yet
        reader.commit()
        assert running.join(WAIT) is None
    assert scalar(conn, count) == 8  # the three oldest days: dropped, not kept detached
    assert [scalar(conn, "SELECT to_regclass(%s)::text", (t,)) for t in oldest] == [None] * 3


# --- the page ------------------------------------------------------------------------------------


def test_playbook_run_walks_the_checklists_one_line_per_item_with_a_reason():
    [phase] = [p for p in phases() if p.page == "operations/maintenance.md"]
    assert phase.name == "maintenance"  # playbook run maintenance
    assert phase.title == "Operations: vacuum, bloat, rebuilds, partitions, Redis"
    assert phase.checklists == [
        "Checklist: vacuum and freezing",
        "Checklist: bloat and rebuilds",
        "Checklist: time partitions",
        "Checklist: Redis persistence and eviction",
    ]
    lines = PAGE.read_text().splitlines()
    for item in phase.items:
        assert item.action and item.why, item
        assert lines[item.line - 1] == f"- [ ] {item.text}"  # the whole item is one line


# --- Redis: persistence and eviction -------------------------------------------------------------


class OwnRedis:
    """A Redis server of a test's own, of this machine's binaries: the engines module's
    configuration plus the page's lines, in a temp dir that survives a SIGKILL and a restart;
    stopped and removed by close()."""

    def __init__(self, *confs: str) -> None:  # snippet paths: the page's configuration lines
        self.user = service_user("redis")
        self.work = make_workdir("redis-ops", self.user)
        port, password = free_port(), new_password()
        write_private(
            self.work / "redis.conf",
            redis_engine._config(port, str(self.work), password) + lines(confs),
            self.user,
        )
        self.server = Server("redis", "127.0.0.1", port, password=password)
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        binary = _local._which("redis-server")
        argv = [str(binary), str(self.work / "redis.conf")]
        self.proc = spawn(argv, self.user, self.work, self.work / "redis.log", signal.SIGKILL)
        wait_until(lambda: ready(self.server), self.proc, self.work / "redis.log", WAIT)

    def client(self) -> Any:
        return connect(self.server)

    def pid(self) -> int:
        """redis-server's process id, as this machine sees it."""
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final save."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(WAIT)

    def files(self) -> set[str]:
        """The files in its directory, relative to it."""
        return {p.relative_to(self.work).as_posix() for p in self.work.rglob("*") if p.is_file()}

    def log(self) -> str:
        return (self.work / "redis.log").read_text()

    def close(self) -> None:
        if self.proc is not None:
            stop(self.proc, signal.SIGKILL)
        shutil.rmtree(self.work, ignore_errors=True)


class ContainerRedis(OwnRedis):
    """The same, of a version of the matrix (`--engine-versions redis:8`), in a container whose
    shell starts redis-server again on the same directory (its tmpfs /tmp lives as long as the
    container) each time start() asks, after kill() sent the server SIGKILL."""

    DIR = redis_engine.CONTAINER_DIR

    def __init__(self, version: str, *confs: str) -> None:
        def command(port: int) -> tuple[str, list[str]]:
            script = redis_engine.container_config(port, lines(confs)) + (
                "set +e; while :; do redis-server redis.conf & echo $! > pid; wait; "
                "until [ -e go ]; do sleep 0.05; done; rm go; done"
            )
            return "redis", ["sh", "-c", script]

        self.server = engines.track(containers.start("redis", version, command))

    def _exec(self, script: str) -> str:
        done = subprocess.run(
            [*containers.exec_argv(self.server), "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        self._exec(f"touch {self.DIR}/go")
        wait_for(lambda: ready(self.server), "Redis to answer again", WAIT)

    def kill(self) -> None:
        """SIGKILL to redis-server, as the local one gets; the container's shell stays."""
        self._exec(f"kill -KILL $(cat {self.DIR}/pid)")
        wait_for(lambda: not ready(self.server), "Redis to be gone", WAIT)

    def pid(self) -> int:
        listed = containers.daemon().docker("top", self.server.container, "-eo", "pid,comm")
        [pid] = [
            p
            for p, comm in (ln.split() for ln in listed.splitlines()[1:])
            if comm == "redis-server"
        ]
        return int(pid)

    def log(self) -> str:
        return containers.daemon().docker("logs", self.server.container)

    def files(self) -> set[str]:
        listed = self._exec(f"cd {self.DIR} && find . -type f").split()
        return {name.removeprefix("./") for name in listed}

    def close(self) -> None:
        self.server.stop()


# strace -f -ttt -y: the thread, the time, the call, its file descriptor's path, data written
TRACED = re.compile(
    r"^\d+\s+([\d.]+) (write|writev|fsync|fdatasync)\(\d+<([^>]*)>"
    r"(?:, \[?\{?(?:iov_base=)?\"([^\"]*))?"
)


@pytest.fixture
def strace(request: pytest.FixtureRequest) -> str:
    """The strace program, which shows when Redis calls fsync (a failure where Redis is
    required, as in CI, when it is missing)."""
    found = shutil.which("strace")
    if found is None:
        unavailable(request.config, "redis", "strace not on PATH: it shows Redis's fsyncs")
    return str(found)


def aof_trace(
    strace: str, r: OwnRedis, c: Any, send: Callable[[], None], slow_fsync: str = ""
) -> tuple[list[tuple[str, str, float]], float]:
    """What Redis did while `send()` ran, in order, by strace: ("append", path, t) for each
    write to a file of its AOF, ("fsync", path, t) for each fsync of one, ("reply", text, t) for
    each write to a client, t in seconds since the epoch; and how long send() took. With
    `slow_fsync` (say "3s"), strace holds every fdatasync that long: a slow disk."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "trace"
        argv = [strace, "-f", "-qq", "-y", "-s", "16", "-o", str(out), "-p", str(r.pid())]
        argv[1:1] = ["-ttt", "-e", "trace=write,writev,fsync,fdatasync"]
        if slow_fsync:
            argv[1:1] = ["-e", f"inject=fdatasync:delay_exit={slow_fsync}"]
        tracer = subprocess.Popen(argv, stderr=subprocess.PIPE)
        try:  # attached once a PING's reply shows in the trace
            wait_for(
                lambda: c.ping() and out.exists() and "+PONG" in out.read_text(),
                "strace to attach",
                WAIT,
            )
            started = time.monotonic()
            send()
            took = time.monotonic() - started
        finally:
            tracer.terminate()
            tracer.wait(WAIT)
        text = out.read_text()
    events = []
    for line in text[text.rindex("+PONG") :].splitlines()[1:]:
        m = TRACED.match(line)
        if m is None:
            continue
        at, call, path, data = m.groups()
        if "appendonlydir/" in path:
            events.append(("append" if call.startswith("write") else "fsync", path, float(at)))
        elif call.startswith("write") and path.startswith("socket:"):
            events.append(("reply", (data or "").removesuffix("\\r\\n"), float(at)))
    return events, took


def preceded(events: list[tuple[str, str, float]], kind: str) -> int:
    """How many replies an event of `kind` ("append", "fsync") came before, since the reply
    before them."""
    count, seen = 0, False
    for event, _, _ in events:
        if event == kind:
            seen = True
        elif event == "reply":
            count, seen = count + seen, False
    return count


def lines(confs: tuple[str, ...]) -> str:
    """The page's configuration lines, from the snippets named."""
    return "".join((paths.SNIPPETS / c).read_text() for c in confs)


@pytest.fixture
def own_redis(request: pytest.FixtureRequest) -> Iterator[Callable[..., OwnRedis]]:
    """Starts a Redis of the test's own: of the version of the matrix the run serves Redis
    with, if any, else of this machine's binaries; counted for that version in the summary."""
    version = served(request.config, "redis")[1]
    if not version and _local._which("redis-server") is None:
        unavailable(request.config, "redis", "redis-server not on PATH")
    started: list[OwnRedis] = []

    def make(*confs: str) -> OwnRedis:
        try:
            redis = ContainerRedis(version, *confs) if version else OwnRedis(*confs)
        except engines.EngineUnavailable as e:
            unavailable(request.config, "redis", f"redis {version}: {e}")
        started.append(redis)
        used_server(request, redis.server)
        return redis

    try:
        yield make
    finally:
        for r in started:
            r.close()


VALUE = "v" * 1000


def fill(c: Any, prefix: str, n: int, ttl: int | None = None) -> None:
    pipe = c.pipeline(transaction=False)
    for i in range(n):
        pipe.set(f"{prefix}:{i}", VALUE, ex=ttl)
    pipe.execute()


class TestRedisPersistenceAndEviction:
    """Each test with a Redis of its own (own_redis), killed and started again as it needs."""

    def test_rdb_loses_what_was_written_after_the_last_snapshot(self, own_redis):
        r = own_redis("redis/maintenance/rdb.conf")
        c = r.client()
        c.mset({f"saved:{i}": i for i in range(1000)})
        assert c.info("persistence")["rdb_changes_since_last_save"] == 1000
        assert c.bgsave()
        wait_for(
            lambda: (
                (p := c.info("persistence"))["rdb_bgsave_in_progress"] == 0
                and p["rdb_changes_since_last_save"] == 0
            ),
            "BGSAVE finishes",
            WAIT,
        )
        assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
        assert "dump.rdb" in r.files()
        c.mset({f"unsaved:{i}": i for i in range(1000)})  # acknowledged, after the snapshot
        assert c.dbsize() == 2000
        c.close()
        r.kill()
        r.start()
        c = r.client()
        assert c.dbsize() == 1000
        assert c.exists(*(f"saved:{i}" for i in range(1000))) == 1000
        assert c.exists(*(f"unsaved:{i}" for i in range(1000))) == 0
        c.close()

    @pytest.mark.parametrize(
        "conf", ["redis/maintenance/aof-always.conf", "redis/maintenance/aof-everysec.conf"]
    )
    def test_aof_keeps_every_acknowledged_write_across_sigkill(self, own_redis, conf):
        r = own_redis(conf)
        c = r.client()
        policy = c.config_get("appendfsync")["appendfsync"]
        assert policy == conf.removeprefix("redis/maintenance/aof-").removesuffix(".conf")
        acknowledged = 0
        for i in range(200):  # one command, one reply at a time: each reply is an acknowledgement
            c.set(f"k:{i}", i)
            c.incr("counter")
            acknowledged += 1
        c.close()
        r.kill()  # right after the last reply, no save, no shutdown
        assert any(name.startswith("appendonlydir/") for name in r.files())
        assert "dump.rdb" not in r.files()
        r.start()
        c = r.client()
        assert int(c.get("counter")) == acknowledged
        assert c.exists(*(f"k:{i}" for i in range(200))) == 200
        c.close()

    @pytest.mark.parametrize("policy", ["always", "everysec"])
    def test_aof_fsyncs_before_each_reply_or_once_a_second(self, own_redis, policy, strace):
        """What a crash of the machine could take: the writes acknowledged since the last fsync
        of the AOF. strace shows Redis's fsyncs and its replies in the order it made them."""
        r = own_redis(f"redis/maintenance/aof-{policy}.conf")
        c = r.client()
        pause = 0.0 if policy == "always" else 0.03  # everysec: 100 writes spread over 3 s

        def writes() -> None:
            for i in range(100):
                c.set(f"k:{i}", i)
                time.sleep(pause)

        events, took = aof_trace(strace, r, c, writes)
        c.close()
        replies = [e for e in events if e[0] == "reply"]
        assert len(replies) == 100 and all(text == "+OK" for _, text, _ in replies)
        synced = preceded(events, "fsync")
        fsyncs = [t for kind, _, t in events if kind == "fsync"]
        if policy == "always":
            # handed to the kernel, and fsynced, before every reply
            assert preceded(events, "append") == synced == 100 and len(fsyncs) >= 100
        else:
            # About one a second while the writes go on: at least two in their three seconds,
            # and never two within half a second of each other (Redis waits a second).
            assert took > 3 and 2 <= len(fsyncs) <= took + 2, (took, fsyncs)
            assert all(b - a > 0.5 for a, b in itertools.pairwise(fsyncs)), fsyncs
            assert synced <= len(fsyncs)

    @pytest.mark.parametrize("policy", ["always", "everysec"])
    def test_on_a_slow_disk_everysec_acknowledges_writes_a_process_crash_loses(
        self, own_redis, policy, strace
    ):
        """While the last second's fsync still runs, `everysec` keeps new writes in Redis's own
        memory (for up to two seconds) and replies anyway: a SIGKILL then loses acknowledged
        writes. `always` writes and fsyncs before each reply, however slow the disk."""
        r = own_redis(f"redis/maintenance/aof-{policy}.conf")
        c = r.client()
        assert c.info("persistence")["aof_delayed_fsync"] == 0  # the counter the page names
        acknowledged: list[int] = []

        def writes_then_crash() -> None:
            time.sleep(1.1)  # a second after the last fsync: the next write starts one
            until = time.monotonic() + 0.6  # writes while that fsync takes 3 s
            while time.monotonic() < until:
                c.set(f"k:{len(acknowledged)}", 1)
                acknowledged.append(len(acknowledged))
                time.sleep(0.01)
            r.kill()  # SIGKILL, well within the two seconds Redis waits for the slow fsync

        events, _ = aof_trace(strace, r, c, writes_then_crash, slow_fsync="3s")
        c.close()
        sent = len(acknowledged)
        unwritten = sent - preceded(events, "append")  # replied to, not handed to the kernel
        r.start()
        c = r.client()
        kept = [i for i in acknowledged if c.exists(f"k:{i}")]
        c.close()
        assert kept == list(range(len(kept)))  # the AOF keeps a prefix, in order
        if policy == "always":
            assert sent >= 1 and unwritten == 0 and kept == acknowledged  # slow, nothing lost
        else:
            assert sent >= 10 and unwritten >= sent - 2  # all but the first (or two)
            assert len(kept) <= 2 and sent - len(kept) <= unwritten  # acknowledged, then lost

    def test_on_a_slow_disk_everysec_holds_writes_back_for_two_seconds_at_most(
        self, own_redis, strace, request
    ):
        """The limit of that: once a slow fsync has held new writes back for two seconds (of
        Redis's clock, which counts whole seconds), Redis writes them to the AOF without
        waiting, logs it and counts it in aof_delayed_fsync."""
        r = own_redis("redis/maintenance/aof-everysec.conf")
        c = r.client()

        def writes() -> None:
            time.sleep(1.1)  # as above: the first write starts an fsync, which takes 5 s
            until = time.monotonic() + 3.5
            while time.monotonic() < until:
                c.set("k", 1)
                time.sleep(0.01)

        events, _ = aof_trace(strace, r, c, writes, slow_fsync="5s")
        delayed = c.info("persistence")["aof_delayed_fsync"]
        c.close()
        # The first reply no write to the AOF came before: the writes held back from there on.
        kinds = [kind for kind, _, _ in events]
        first_fsync = kinds.index("fsync")
        held = next(
            i
            for i in range(first_fsync + 1, len(events))
            if kinds[i] == "reply" and kinds[i - 1] == "reply"
        )
        written = kinds.index("append", held)
        waited = events[written][2] - events[held][2]
        print(f"writes held back for {waited:.2f} s; aof_delayed_fsync {delayed}")
        record_measurement(request.config, "redis.everysec_held_back_seconds", round(waited, 1))
        # two ticks of a clock in whole seconds, which Redis reads a moment before it uses it
        # (0.99 s once in CI), and 0.3 s for a loaded machine
        assert 0.8 <= waited <= 2.3
        assert kinds[held:written].count("reply") >= 50  # each of them acknowledged meanwhile
        assert delayed >= 1
        assert "Asynchronous AOF fsync is taking too long" in r.log()

    def test_noeviction_refuses_writes_when_full_and_still_serves_reads(self, own_redis):
        import redis

        c = own_redis("redis/maintenance/noeviction.conf").client()
        assert c.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        with pytest.raises(
            redis.exceptions.OutOfMemoryError, match="command not allowed when used memory"
        ):
            for i in range(20_000):  # 20 MB of values into a 4 MB Redis
                c.set(f"k:{i}", VALUE)
        stored = c.dbsize()
        assert 1000 < stored < 4000
        assert c.get("k:0") == VALUE  # reads still work
        assert c.info("stats")["evicted_keys"] == 0
        c.delete(*(f"k:{i}" for i in range(200)))  # deleting frees memory: writes fit again
        c.set("k:again", VALUE)
        c.close()

    def test_allkeys_lru_evicts_and_accepts_every_write(self, own_redis):
        c = own_redis("redis/maintenance/allkeys-lru.conf").client()
        for batch in range(10):  # 10,000 writes of 1 kB into 4 MB: every one accepted
            fill(c, f"b{batch}", 1000)
        assert c.info("stats")["evicted_keys"] > 5000
        assert c.dbsize() < 4000
        # approximately least recently used: most of the oldest batch went, most of the newest stayed
        oldest = c.exists(*(f"b0:{i}" for i in range(1000)))
        newest = c.exists(*(f"b9:{i}" for i in range(1000)))
        assert oldest < 500 < newest and newest > 3 * oldest
        c.close()

    def test_volatile_lru_evicts_only_keys_with_a_ttl(self, own_redis):
        import redis

        c = own_redis("redis/maintenance/volatile-lru.conf").client()
        fill(c, "session", 1000)  # no TTL: never evicted under volatile-lru
        for batch in range(5):
            fill(c, f"cache{batch}", 1000, ttl=3600)
        assert c.info("stats")["evicted_keys"] > 1000
        assert c.exists(*(f"session:{i}" for i in range(1000))) == 1000
        # Once only keys without a TTL are left to take space, a full Redis refuses writes.
        with pytest.raises(redis.exceptions.OutOfMemoryError):
            for i in range(10_000):
                c.set(f"more:{i}", VALUE)
        assert c.exists(*(f"session:{i}" for i in range(1000))) == 1000
        c.close()


def test_the_matrix_runs_these_claims_on_each_version_the_page_names(matrix_tests):
    """The page says on which versions its claims were seen: `make test-matrix` runs this module
    on each PostgreSQL and Redis of the matrix, as `make test` runs it on this machine's; the
    repack and partman tests check the tools' versions the page names for each PostgreSQL."""
    assert f"tests/{Path(__file__).name}" in matrix_tests
    assert sorted(images.VERSIONS["postgres"], key=int) == [str(v) for v in TOOLS]
    assert sorted(images.VERSIONS["redis"]) == ["7", "8"]
    versions = and_list(f"{v} (pg_repack {r}, pg_partman {p})" for v, (r, p) in TOOLS.items())
    text = " ".join(PAGE.read_text().split())
    assert f"PostgreSQL {versions}" in text
    assert "Redis 7.0 and 8.0" in text
