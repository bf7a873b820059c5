"""The claims of docs/phases/scaling.md, on real engines: a streaming replica, partitioned tables,
a shard router over two databases, Redis in front of PostgreSQL, PgBouncer and SQLAlchemy's pool.

SQL snippets are replayed as the example runner runs them (EXPLAIN with FORMAT JSON added);
Python snippets are executed as the runner executes them, and the tests then use what they
define — the cache functions, the router — to check the claims around them. The cache race is
interleaved by hand, by substituting one of the snippet's own functions for the duration of a
call: no threads, no sleeps. The replica pair and PgBouncer are started once per session.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from playbooks import engines, paths
from playbooks.engines import pgbouncer
from playbooks.engines.replica import wait_replayed
from playbooks.lint.observe import blocked, connect_like
from playbooks.replay import (
    Background,
    lock_waits,
    replay,
    replay_until_error,
    run_python,
    scalar,
    statements,
    system_settings,
    wait_for,
)
from playbooks.sql import node_types, plan_nodes
from playbooks.testing.options import record_measurement
from playbooks.testing.replicas import postgres_pair


def scanned(plan: dict) -> set[str]:
    return {n["Relation Name"] for n in plan_nodes(plan) if "Relation Name" in n}


# --- read replicas -----------------------------------------------------------------------------


def test_the_standby_is_a_streaming_hot_standby_made_by_pg_basebackup(replication):
    primary, standby = replication
    with psycopg.connect(primary.url("postgres"), autocommit=True) as p:
        assert scalar(p, "SELECT pg_is_in_recovery()") is False
        assert scalar(p, "SHOW wal_level") == "replica"
        defaults = dict(
            p.execute(
                "SELECT name, boot_val FROM pg_settings "
                "WHERE name IN ('wal_level', 'max_wal_senders', 'hot_standby')"
            ).fetchall()
        )
        assert defaults == {"wal_level": "replica", "max_wal_senders": "10", "hot_standby": "on"}
        state = p.execute(
            "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = 'replica1'"
        ).fetchone()
        assert state == ("streaming", "async")  # asynchronous by default
    with psycopg.connect(standby.url("postgres"), autocommit=True) as s:
        assert scalar(s, "SELECT pg_is_in_recovery()") is True
        assert scalar(s, "SHOW hot_standby") == "on"
        # --write-recovery-conf wrote primary_conninfo pointing at the primary
        conninfo = scalar(s, "SHOW primary_conninfo")
        assert f"port={primary.port}" in conninfo and "host=127.0.0.1" in conninfo


def test_a_write_on_the_primary_becomes_visible_on_the_replica(primary_and_replica):
    p, r = primary_and_replica
    p.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
    p.execute("INSERT INTO notes VALUES (1, 'written on the primary')")
    wait_replayed(p, r)
    assert r.execute("SELECT body FROM notes").fetchall() == [("written on the primary",)]


def test_a_write_on_the_replica_is_refused(primary_and_replica):
    p, r = primary_and_replica
    p.execute("CREATE TABLE notes (id int PRIMARY KEY)")
    wait_replayed(p, r)
    for write in ("INSERT INTO notes VALUES (1)", "CREATE TABLE other (id int)"):
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction) as refused:
            r.execute(write)
        assert refused.value.sqlstate == "25006"
    assert scalar(p, "SELECT count(*) FROM notes") == 0


def test_the_router_reads_its_writes_and_falls_back_to_the_primary_under_lag(
    primary_url, replica_url, capsys
):
    ns = run_python(
        "python/scaling/read_replica.py", primary_url=primary_url, replica_url=replica_url
    )
    assert capsys.readouterr().out.splitlines() == [
        "[(3,)]",
        "25006: cannot execute INSERT in a read-only transaction",
        "replica while paused: [(3,)]",  # the replica is behind: the old value
        "read-your-writes while paused: [(4,)]",  # so the router asked the primary
        "replica after resume: [(4,)]",
    ]
    assert ns["db"].primary.closed and ns["db"].replica.closed
    # The router's comparison is exact: once replayed() says yes after a (synchronous) commit,
    # the replica has the row, at once; a fallback to the primary would print the same rows.
    db = ns["Database"](primary_url, replica_url)
    try:
        for items in range(5, 25):
            lsn = db.write("UPDATE carts SET items = %s WHERE user_id = 42", [items])
            assert db.replayed(lsn, timeout=10)
            assert db.replica.execute("SELECT items FROM carts").fetchall() == [(items,)]
    finally:
        db.primary.close()
        db.replica.close()


LAG_PRIMARY = statements("postgres/scaling/replication-lag-primary.sql")[0]
LAG_STANDBY = statements("postgres/scaling/replication-lag-standby.sql")[0]


def lag_row(conn: psycopg.Connection, query: str, what: str, until: Callable) -> tuple:
    """The row a lag query gives on `conn`, once `until(row)` holds (within 10 s)."""
    return wait_for(lambda: conn.execute(query).fetchone(), what, 10, accept=until)


def test_the_lag_queries_show_the_backlog_in_bytes(primary_and_replica, new_pg_db):
    p, r = primary_and_replica
    p.execute("CREATE TABLE t (n int)")
    wait_replayed(p, r)
    caught_up = lag_row(p, LAG_PRIMARY, "no backlog", lambda row: row[3] == 0)
    assert caught_up[:3] == ("replica1", "streaming", "async")
    standby, received, replayed, backlog, delay = r.execute(LAG_STANDBY).fetchone()
    assert standby is True and received == replayed and backlog == 0
    assert delay.total_seconds() == 0
    r.execute("SELECT pg_wal_replay_pause()")
    try:
        p.execute("INSERT INTO t SELECT generate_series(1, 1000)")
        behind = lag_row(r, LAG_STANDBY, "a backlog on the standby", lambda row: row[3] > 0)
        assert behind[1] != behind[2]  # received, not replayed
        lag_row(p, LAG_PRIMARY, "a backlog on the primary", lambda row: row[3] > 0)
        lag_row(r, LAG_STANDBY, "0.2 s without replay", lambda row: row[4].total_seconds() >= 0.2)
    finally:
        r.execute("SELECT pg_wal_replay_resume()")
    # in a database without a standby: no row on the primary, NULLs from the standby functions
    plain = new_pg_db("none")
    assert plain.execute(LAG_PRIMARY).fetchall() == []
    assert plain.execute(LAG_STANDBY).fetchone() == (False, None, None, None, None)


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return int(high, 16) << 32 | int(low, 16)


def test_each_standby_lag_row_agrees_with_itself_while_wal_streams_in(primary_url, replica_url):
    # A CI run once got received == replayed next to a backlog of 64 KB: the snippet read each
    # position twice, and the standby received more WAL between the reads. Read in the other
    # order (received, then replayed), replay can pass the received position read before it.
    stop = threading.Event()

    def write() -> None:
        with psycopg.connect(primary_url, autocommit=True) as p:
            while not stop.is_set():
                p.execute("INSERT INTO stream SELECT generate_series(1, 50)")

    with psycopg.connect(primary_url, autocommit=True) as p:
        p.execute("CREATE TABLE stream (n int)")
    writer = threading.Thread(target=write)
    writer.start()
    try:
        rows, arrivals = [], set()
        deadline = time.monotonic() + 60
        with psycopg.connect(replica_url, autocommit=True) as r:
            # until WAL has arrived 100 times while the rows were read, and 3,000 rows at least
            while (len(rows) < 3000 or len(arrivals) < 100) and time.monotonic() < deadline:
                rows.append(r.execute(LAG_STANDBY).fetchone())
                arrivals.add(rows[-1][1])  # the received position
    finally:
        stop.set()
        writer.join()
    assert len(arrivals) >= 100, len(arrivals)
    for _, received, replayed, backlog, _ in rows:
        assert backlog == _lsn(received) - _lsn(replayed) >= 0


def test_replay_lag_moves_only_when_the_standby_reports(primary_and_replica):
    """The primary computes replay_lag when the standby reports its positions: when WAL arrives,
    then every wal_receiver_status_interval (10 s by default; 1 s here, to keep the test short).
    While replay stands still it grows in steps, one per report, and trails the standby's own
    measure by up to that interval; once the standby has caught up and nothing more comes, it is
    NULL."""
    interval = 1.0
    p, r = primary_and_replica
    default = "SELECT boot_val FROM pg_settings WHERE name = 'wal_receiver_status_interval'"
    assert scalar(r, default) == "10"  # seconds
    p.execute("CREATE TABLE stalled (n int)")
    wait_replayed(p, r)
    seen: list[tuple[float, Any, Any]] = []  # (when, replay_lag on the primary, delay)
    with system_settings(r, wal_receiver_status_interval=f"{interval:.0f}s"):
        r.execute("SELECT pg_wal_replay_pause()")
        try:
            p.execute("INSERT INTO stalled SELECT generate_series(1, 1000)")
            started = time.monotonic()
            while time.monotonic() - started < 15:
                lag = p.execute(LAG_PRIMARY).fetchone()[4]
                delay = r.execute(LAG_STANDBY).fetchone()[4]
                seen.append((time.monotonic() - started, lag, delay))
                if lag is not None and lag.total_seconds() >= 2 * interval:
                    break
                time.sleep(0.05)
        finally:
            r.execute("SELECT pg_wal_replay_resume()")
        wait_replayed(p, r)
        idle = lag_row(p, LAG_PRIMARY, "replay_lag NULL", lambda row: row[4] is None)
    p.execute("DROP TABLE stalled")
    elapsed, last, _ = seen[-1]
    assert last is not None and last.total_seconds() >= 2 * interval, seen[-3:]  # it grew
    # never ahead of the standby's own measure, and behind it by most of an interval before a
    # report: a threshold on replay_lag fires up to wal_receiver_status_interval late
    known = [
        (lag.total_seconds(), delay.total_seconds()) for _, lag, delay in seen if lag and delay
    ]
    assert all(lag <= delay for lag, delay in known), known
    assert max(delay - lag for lag, delay in known) >= interval / 2, known
    steps = {lag for _, lag, _ in seen}
    assert len(steps) <= elapsed / interval + 3, (elapsed, sorted(map(str, steps)))
    assert idle[3] == 0  # caught up, and replay_lag NULL


def _slot_is(p: psycopg.Connection, state: tuple) -> None:
    wait_for(lambda: p.execute(SLOT).fetchone(), f"the slot at {state}", 10, accept=state.__eq__)


# --- a pair of this module's own: a standby cut off, slots, conflicts -------------------------
# These tests change the standby's settings or cut it off, so they run on a primary and standby
# started for this module alone (one worker: xdist_group), never on the session's pair.

OWN_PAIR = pytest.mark.xdist_group("scaling-own-pair")
SLOT = "SELECT s.active, r.state FROM pg_replication_slots s LEFT JOIN pg_stat_replication r "
SLOT += "ON r.pid = s.active_pid WHERE s.slot_name = 'replica1'"


@pytest.fixture(scope="module")
def own_pair(request: pytest.FixtureRequest) -> tuple[engines.Server, engines.Server]:
    """A primary and a standby streaming as replica1 through a physical slot of that name: the
    slot made by pg_create_physical_replication_slot on the primary, primary_slot_name set on
    the standby (reloadable since PostgreSQL 13)."""
    primary, standby = postgres_pair(request)
    with _connect(primary) as p, _connect(standby) as s:
        p.execute("SELECT pg_create_physical_replication_slot('replica1', true)")
        s.execute("ALTER SYSTEM SET primary_slot_name = 'replica1'")
        s.execute("SELECT pg_reload_conf()")
        _slot_is(p, (True, "streaming"))
    return primary, standby


def _connect(server: engines.Server) -> psycopg.Connection:
    return psycopg.connect(server.url("postgres"), autocommit=True)


@OWN_PAIR
def test_a_cut_off_standby_shows_no_lag_and_the_alert_queries_report_it(own_pair):
    primary, standby = own_pair
    expected, slots = statements("postgres/scaling/replication-standbys-primary.sql")
    [receiver] = statements("postgres/scaling/replication-receiver-standby.sql")
    with _connect(primary) as p, _connect(standby) as s:
        assert p.execute(expected).fetchall() == [] and p.execute(slots).fetchall() == []
        assert s.execute(receiver).fetchone() == (True, "streaming")
        conninfo = scalar(s, "SHOW primary_conninfo")
        s.execute("ALTER SYSTEM SET primary_conninfo = ''")  # reloadable since PostgreSQL 13
        s.execute("SELECT pg_reload_conf()")
        try:
            _slot_is(p, (False, None))
            p.execute("CREATE TABLE written_meanwhile AS SELECT generate_series(1, 1000) AS n")
            # the lag queries: no row on the primary, nothing missing on the standby
            assert p.execute(LAG_PRIMARY).fetchall() == []
            in_recovery, received, replayed, backlog, delay = s.execute(LAG_STANDBY).fetchone()
            assert in_recovery and received == replayed and backlog == 0
            assert delay.total_seconds() == 0
            assert scalar(s, "SELECT to_regclass('written_meanwhile')") is None  # yet it is
            # the alerts: the expected standby is missing, its slot inactive and holding WAL
            assert p.execute(expected).fetchall() == [("replica1", "not connected")]
            [(slot, active, wal_status, retained)] = p.execute(slots).fetchall()
            assert (slot, active, wal_status) == ("replica1", False, "reserved") and retained > 0
            assert s.execute(receiver).fetchone() == (True, "no receiver")
        finally:
            s.execute(sql.SQL("ALTER SYSTEM SET primary_conninfo = {}").format(conninfo))
            s.execute("SELECT pg_reload_conf()")
            _slot_is(p, (True, "streaming"))
            p.execute("DROP TABLE written_meanwhile")
        wait_replayed(p, s)
        assert p.execute(expected).fetchall() == [] and p.execute(slots).fetchall() == []


@OWN_PAIR
def test_after_an_asynchronous_commit_the_write_position_is_short_of_it(own_pair):
    primary, standby = own_pair
    replayed_up_to = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
    with _connect(primary) as p:
        assert (
            scalar(p, "SELECT boot_val FROM pg_settings WHERE name = 'wal_writer_delay'") == "200"
        )
    with _connect(primary) as p, _connect(standby) as s, system_settings(p, wal_writer_delay="10s"):
        # The WAL writer writes asynchronous commits every wal_writer_delay; at 10 s it leaves
        # the window open long enough to look (though an asynchronous commit wakes a WAL
        # writer that has gone idle). An attempt where it wrote before the standby was asked,
        # as the primary's write position then shows, is retried.
        for _ in range(3):
            p.execute("DROP TABLE IF EXISTS carts")
            with _connect(primary) as writer:
                done = replay(writer, "postgres/scaling/read-your-writes-lsn.sql")
            [(written, inserted)] = done.selected()[-1]
            if written >= inserted:
                continue
            try:
                wait_for(lambda w=written: scalar(s, replayed_up_to, [w]), "replayed", 2)
            except AssertionError:
                continue  # the WAL writer wrote part of it: not a record boundary
            rows = scalar(s, "SELECT count(*) FROM carts WHERE user_id = 42")
            insert_replayed = scalar(s, replayed_up_to, [inserted])
            if scalar(p, "SELECT pg_current_wal_lsn() < %s::pg_lsn", [inserted]):
                break  # still unwritten after the standby answered
        else:
            pytest.fail("the WAL writer wrote each asynchronous commit before it was looked at")
        # a router waiting for pg_current_wal_lsn() reads now, and misses the committed row
        assert rows == 0
        assert insert_replayed is False
        p.execute("INSERT INTO carts VALUES (7, 1)")  # a synchronous commit writes all before it
        wait_for(lambda: scalar(s, replayed_up_to, [inserted]), "the insert replayed", 10)
        # the insert LSN was the one to wait for
        assert scalar(s, "SELECT count(*) FROM carts WHERE user_id = 42") == 1
        p.execute("DROP TABLE carts")


@OWN_PAIR
def test_the_wal_writer_writes_an_asynchronous_commit_within_three_times_its_delay(
    own_pair, request
):
    """The page: "the WAL writer writes it a moment later, within three times
    wal_writer_delay". With the delay at 1 s, five asynchronous commits, each timed from its
    COMMIT until the primary's write position passes it."""
    assert "within three times `wal_writer_delay` (200 ms" in " ".join(PAGE.read_text().split())
    primary, _ = own_pair
    delay = 1.0
    waits = []
    with _connect(primary) as p, system_settings(p, wal_writer_delay=f"{delay:.0f}s"):
        p.execute("CREATE TABLE async_ticks (n int)")
        p.execute("SET synchronous_commit = off")
        written = "SELECT pg_current_wal_lsn() >= %s::pg_lsn"
        for n in range(5):
            p.execute("INSERT INTO async_ticks VALUES (%s)", [n])
            committed = time.monotonic()
            inserted = scalar(p, "SELECT pg_current_wal_insert_lsn()")
            wait_for(lambda i=inserted: scalar(p, written, [i]), "written", 10 * delay)
            waits.append(time.monotonic() - committed)
        p.execute("DROP TABLE async_ticks")
    print(f"asynchronous commits written after {[round(w, 2) for w in waits]} s")
    record_measurement(request.config, "scaling.async_commit_written_max_s", round(max(waits), 2))
    assert max(waits) <= 3 * delay


def _has_segment(conn: psycopg.Connection, name: str) -> bool:
    return scalar(conn, "SELECT count(*) FROM pg_ls_waldir() WHERE name = %s", [name]) == 1


def _checkpoint(p: psycopg.Connection) -> None:
    p.execute("CHECKPOINT")


def _write_segments(p: psycopg.Connection, n: int) -> None:
    """n segments' worth of WAL (a row each, then a switch), the standby's slot caught up with
    them, then a checkpoint: the moment a primary removes the WAL nobody keeps."""
    for _ in range(n):
        p.execute("INSERT INTO wal_filler VALUES (1)")
        p.execute("SELECT pg_switch_wal()")
    wait_for(
        lambda: scalar(
            p,
            "SELECT restart_lsn >= pg_current_wal_lsn() FROM pg_replication_slots "
            "WHERE slot_name = 'replica1'",
        ),
        "the slot caught up",
        10,
    )
    _checkpoint(p)


@OWN_PAIR
def test_a_slot_keeps_wal_for_its_absent_standby_until_max_slot_wal_keep_size(own_pair):
    primary, _ = own_pair
    slots = statements("postgres/scaling/replication-standbys-primary.sql")[1]
    with _connect(primary) as p:
        defaults = "SELECT name, boot_val FROM pg_settings WHERE name LIKE '%wal_keep_size'"
        assert dict(p.execute(defaults).fetchall()) == {
            "wal_keep_size": "0",  # no WAL kept for standbys without slots
            "max_slot_wal_keep_size": "-1",  # no limit on what a slot keeps
        }
        segment = int(scalar(p, "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"))
        assert segment == 16 * 1024 * 1024  # initdb's default
        p.execute("CREATE TABLE wal_filler (n int)")
        # a slot whose standby went away (made and never used)
        p.execute("SELECT pg_create_physical_replication_slot('replica2', true)")
        try:
            kept = scalar(p, "SELECT pg_walfile_name(restart_lsn) FROM pg_replication_slots "
                          "WHERE slot_name = 'replica2'")  # fmt: skip
            _write_segments(p, 4)
            [(slot, active, status, retained)] = p.execute(slots).fetchall()
            assert (slot, active, status) == ("replica2", False, "reserved")
            assert retained >= 4 * segment and _has_segment(p, kept)  # kept past a checkpoint
            with system_settings(p, max_slot_wal_keep_size="32MB"):
                rows = wait_for(
                    lambda: p.execute(slots).fetchall(),
                    "the slot no longer reserved",
                    10,
                    accept=lambda r: r[0][2] != "reserved",
                )
                assert rows[0][:3] == ("replica2", False, "unreserved")
                # at the next checkpoint (another, should the checkpointer not have reloaded yet)
                lost = wait_for(
                    lambda: _checkpoint(p) or p.execute(slots).fetchall(),
                    "the slot lost",
                    10,
                    accept=lambda r: r[0][2] == "lost",
                )
                assert lost == [("replica2", False, "lost", None)]
                assert not _has_segment(p, kept)  # the WAL the standby needed is gone
        finally:
            p.execute("SELECT pg_drop_replication_slot('replica2')")
        # wal_keep_size: a fixed amount, kept whoever needs it
        for keep, still_there in (("64MB", True), ("0", False)):
            with system_settings(p, wal_keep_size=keep):
                current = scalar(p, "SELECT pg_walfile_name(pg_current_wal_lsn())")
                _write_segments(p, 3)
                assert _has_segment(p, current) is still_there, keep
        p.execute("DROP TABLE wal_filler")


def _dead_rows(p: psycopg.Connection) -> int:
    return scalar(p, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'readings'")


def _conflicts(s: psycopg.Connection, kind: str) -> int:
    return scalar(s, f"SELECT {kind} FROM pg_stat_database_conflicts WHERE datname = 'postgres'")


def _feedback(p: psycopg.Connection) -> tuple[Any, Any]:
    """The standby's xmin as the primary knows it: on the walsender, and on the slot."""
    return p.execute(
        "SELECT r.backend_xmin, s.xmin FROM pg_stat_replication r JOIN pg_replication_slots s "
        "ON s.active_pid = r.pid WHERE s.slot_name = 'replica1'"
    ).fetchone()


def _no_xmin_fed_back(p: psycopg.Connection) -> None:
    wait_for(lambda: _feedback(p), "no xmin fed back", 10, accept=(None, None).__eq__)


def _delete_and_vacuum(p: psycopg.Connection, delete: str, vacuum: str) -> None:
    p.execute(delete)
    p.execute("SELECT pg_stat_force_next_flush()")  # count the DELETE's dead rows before VACUUM
    p.execute(vacuum)


def _no_autovacuum(p: psycopg.Connection) -> None:
    """Keep autovacuum off the new table: an autoanalyze's snapshot would keep the deleted rows
    from VACUUM (no conflict then), and an autovacuum could remove them before it."""
    p.execute("ALTER TABLE readings SET (autovacuum_enabled = false)")


@contextlib.contextmanager
def _read_then_vacuumed(
    p: psycopg.Connection,
    s: psycopg.Connection,
    standby: engines.Server,
    replay_paused: bool = False,
) -> Iterator[psycopg.Connection]:
    """A report on the standby that read readings in its snapshot, after which the primary
    deleted half the rows and VACUUM removed them; with `replay_paused`, the standby's replay is
    paused before the delete (the caller resumes it; at the latest, leaving resumes it)."""
    create, delete, vacuum = statements("postgres/scaling/standby-conflict-primary.sql")
    begin, first, _, _ = statements("postgres/scaling/standby-conflict-standby.sql")
    p.execute(create)
    _no_autovacuum(p)
    wait_replayed(p, s)
    with _connect(standby) as report:
        report.execute(begin)
        assert report.execute(first).fetchone() == (10000,)
        if replay_paused:
            s.execute("SELECT pg_wal_replay_pause()")
        try:
            _delete_and_vacuum(p, delete, vacuum)
            assert _dead_rows(p) == 0  # VACUUM removed them all
            yield report
        finally:
            if replay_paused:
                s.execute("SELECT pg_wal_replay_resume()")


def _startup_wait(s: psycopg.Connection) -> str | None:
    """What the standby's startup process, which replays the WAL, waits on now."""
    return scalar(s, "SELECT wait_event FROM pg_stat_activity WHERE backend_type = 'startup'")


CONFLICT_DELAY_S = 5
CONFLICT_DELAY = f"{CONFLICT_DELAY_S}s"
PAGE = paths.DOCS / "phases" / "scaling.md"


@OWN_PAIR
def test_vacuum_on_the_primary_cancels_standby_queries_that_need_the_rows(own_pair):
    primary, standby = own_pair
    create, delete, vacuum = statements("postgres/scaling/standby-conflict-primary.sql")
    begin, first, second, commit = statements("postgres/scaling/standby-conflict-standby.sql")
    page = PAGE.read_text()
    assert "max_standby_streaming_delay = -1" in page
    assert f"max_standby_streaming_delay = '{CONFLICT_DELAY}'" in page
    with _connect(primary) as p, _connect(standby) as s:
        defaults = dict(
            s.execute(
                "SELECT name, boot_val FROM pg_settings "
                "WHERE name IN ('max_standby_streaming_delay', 'hot_standby_feedback')"
            ).fetchall()
        )
        assert defaults == {"max_standby_streaming_delay": "30000", "hot_standby_feedback": "off"}
        before = _conflicts(s, "confl_snapshot")
        try:
            # -1: replay waits at the VACUUM for as long as the report runs
            with system_settings(s, max_standby_streaming_delay="-1", hot_standby_feedback="off"):
                _no_xmin_fed_back(p)
                with _read_then_vacuumed(p, s, standby) as report:
                    # The insert position: VACUUM's records, which no commit flushes, may not
                    # be written yet, and replay waits at them (CI once failed on the write one).
                    end = scalar(p, "SELECT pg_current_wal_insert_lsn()")
                    wait_for(
                        lambda: _startup_wait(s),
                        "replay waiting on the conflict",
                        10,
                        accept=lambda event: event == "RecoveryConflictSnapshot",
                    )
                    time.sleep(1)
                    assert scalar(s, "SELECT pg_last_wal_replay_lsn() < %s::pg_lsn", [end])
                    assert report.execute(second).fetchone() == (10000,)  # its rows are kept
                    report.execute(commit)
                wait_replayed(p, s)  # the report done, replay goes on
            assert _conflicts(s, "confl_snapshot") == before
            # a delay: replay waits at most that long, then ends a report idle in its transaction
            p.execute("DROP TABLE readings")
            with system_settings(
                s, max_standby_streaming_delay=CONFLICT_DELAY, hot_standby_feedback="off"
            ):
                with _read_then_vacuumed(p, s, standby) as report:
                    pid = report.info.backend_pid
                    wait_replayed(p, s, timeout=CONFLICT_DELAY_S + 10)
                    with pytest.raises(psycopg.errors.SerializationFailure) as ended:
                        report.execute(second)
                    # The standby ended the session, not only the statement: its process is
                    # gone, and the client sees the connection closed (psycopg may learn that
                    # only on the next statement, when the FATAL arrived before the close).
                    session = "SELECT count(*) FROM pg_stat_activity WHERE pid = %s"
                    wait_for(
                        lambda: scalar(s, session, [pid]) == 0, "the report's session gone", 10
                    )
                    if not report.broken:
                        with pytest.raises(psycopg.OperationalError):
                            report.execute("SELECT 1")
                    assert report.broken
                assert str(ended.value).startswith(
                    "terminating connection due to conflict with recovery"
                )
                assert ended.value.diag.message_detail == (
                    "User query might have needed to see row versions that must be removed."
                )
                # a statement running at that moment: cancelled, the session goes on
                p.execute("DROP TABLE readings")
                p.execute(create)
                _no_autovacuum(p)
                wait_replayed(p, s)
                with _connect(standby) as report:
                    pid = report.info.backend_pid
                    running = Background(report, "SELECT count(*), pg_sleep(60) FROM readings")
                    wait_for(
                        lambda: (
                            scalar(
                                s, "SELECT wait_event FROM pg_stat_activity WHERE pid = %s", [pid]
                            )
                            == "PgSleep"
                        ),
                        "the report in pg_sleep",
                        10,
                    )
                    _delete_and_vacuum(p, delete, vacuum)
                    vacuumed = time.monotonic()
                    cancelled = running.join()
                    waited = time.monotonic() - vacuumed
                    assert isinstance(cancelled, psycopg.errors.SerializationFailure)
                    # replay held back for the delay (5.7 s seen), then cancelled the statement
                    assert CONFLICT_DELAY_S - 0.5 <= waited < CONFLICT_DELAY_S + 5, waited
                    assert str(cancelled).startswith(
                        "canceling statement due to conflict with recovery"
                    )
                    # Once replay is past the VACUUM. Before, a new statement that pins a page
                    # replay waits to clean is cancelled at once: the delay, counted from the
                    # WAL's arrival, is spent (seen under load: "holding shared buffer pin")
                    wait_replayed(p, s)
                    assert scalar(report, "SELECT count(*) FROM readings") == 5000
                wait_for(
                    lambda: _conflicts(s, "confl_snapshot"),
                    "two more snapshot conflicts",
                    10,
                    accept=lambda n: n >= before + 2,
                )
        finally:
            p.execute("DROP TABLE IF EXISTS readings")


@OWN_PAIR
def test_the_delay_counts_from_the_wals_arrival(own_pair):
    """ "counted from when the WAL arrived": replay paused past the delay, then resumed, ends
    the report at once instead of holding back another delay."""
    primary, standby = own_pair
    second = statements("postgres/scaling/standby-conflict-standby.sql")[2]
    with _connect(primary) as p, _connect(standby) as s:
        p.execute("CREATE TABLE later_wal (n int)")
        try:
            with system_settings(
                s, max_standby_streaming_delay=CONFLICT_DELAY, hot_standby_feedback="off"
            ):
                _no_xmin_fed_back(p)
                with _read_then_vacuumed(p, s, standby, replay_paused=True) as report:
                    # The standby is behind: after the VACUUM's WAL it has received more. (WAL
                    # in the chunk it received last counts as received when replay reaches it:
                    # then the full delay runs from the resume, as seen once in CI.)
                    _received(p, s)
                    p.execute("INSERT INTO later_wal VALUES (1)")
                    _received(p, s)
                    time.sleep(CONFLICT_DELAY_S + 1)  # the VACUUM's WAL is there, not replayed
                    s.execute("SELECT pg_wal_replay_resume()")
                    resumed = time.monotonic()
                    wait_replayed(p, s, timeout=CONFLICT_DELAY_S + 10)
                    caught_up = time.monotonic() - resumed
                    with pytest.raises(psycopg.errors.SerializationFailure) as ended:
                        report.execute(second)
            assert caught_up < CONFLICT_DELAY_S / 2, caught_up  # 0.01 s seen
            assert str(ended.value).startswith("terminating connection due to conflict")
        finally:
            p.execute("DROP TABLE IF EXISTS readings")
            p.execute("DROP TABLE later_wal")


def _received(p: psycopg.Connection, s: psycopg.Connection) -> None:
    """Until the standby has received all the WAL the primary has written so far."""
    target = scalar(p, "SELECT pg_current_wal_insert_lsn()")
    received = "SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn"
    wait_for(lambda: scalar(s, received, [target]), "the WAL received", 10)


def _pages(p: psycopg.Connection) -> int:
    return scalar(p, "SELECT pg_relation_size('readings') / current_setting('block_size')::int")


def _stated_pages() -> dict[int, tuple[int, int]]:
    """The pages the CREATE TABLE AS of standby-conflict-primary.sql leaves, and what VACUUM
    leaves of them, per major version, read from the page's two sentences that state them."""
    text = " ".join(PAGE.read_text().split())
    stated = {}
    for versions, pattern in (
        (
            (15,),
            r"On PostgreSQL 15 the `CREATE TABLE … AS` above filled (\d+) pages and "
            r"`VACUUM` left (\d+) pages",
        ),
        (
            (17, 18),
            r"On PostgreSQL 17 and 18 the same load extended the file in bulk to (\d+) "
            r"pages, `VACUUM` cut them to (\d+) pages",
        ),
    ):
        found = re.search(pattern, text)
        assert found, f"the page no longer says: {pattern}"
        stated |= {v: (int(found[1]), int(found[2])) for v in versions}
    return stated


@OWN_PAIR
def test_vacuum_cutting_a_loaded_tables_empty_tail_ends_standby_reports_despite_feedback(own_pair):
    primary, standby = own_pair
    create, delete, vacuum = statements("postgres/scaling/standby-conflict-primary.sql")
    begin, first, second, _ = statements("postgres/scaling/standby-conflict-standby.sql")
    with _connect(primary) as p, _connect(standby) as s:
        major = p.info.server_version // 10000
        stated = _stated_pages()
        if major not in stated:
            pytest.fail(f"PostgreSQL {major}: the page states {sorted(stated)} only")
        loaded, vacuumed = stated[major]
        with system_settings(s, max_standby_streaming_delay="0", hot_standby_feedback="on"):
            wait_for(
                lambda: _feedback(p),
                "an xmin on the slot",
                10,
                accept=lambda xmins: xmins[1] is not None,
            )
            try:
                p.execute(create)
                assert _pages(p) == loaded
                wait_replayed(p, s)
                with _connect(standby) as report:
                    report.execute(begin)
                    report.execute(first)
                    _delete_and_vacuum(p, delete, vacuum)
                    assert _pages(p) == vacuumed
                    wait_replayed(p, s)
                    if loaded == vacuumed:  # no empty tail: feedback kept the report going
                        assert report.execute(second).fetchone() == (10000,)
                    else:
                        with pytest.raises(psycopg.errors.SerializationFailure) as ended:
                            report.execute(second)
                        assert ended.value.diag.message_detail == (
                            "User was holding a relation lock for too long."
                        )
            finally:
                p.execute("DROP TABLE IF EXISTS readings")


def test_from_postgresql_18_the_vacuum_truncate_setting_keeps_every_tables_tail(new_pg_db):
    conn = new_pg_db("none")
    create, _, vacuum = statements("postgres/scaling/standby-conflict-primary.sql")
    major = conn.info.server_version // 10000
    if major < 18:
        with pytest.raises(psycopg.errors.UndefinedObject):
            conn.execute("SET vacuum_truncate = off")
        return
    assert scalar(conn, "SHOW vacuum_truncate") == "on"
    conn.execute(create)
    loaded = _pages(conn)
    conn.execute("SET vacuum_truncate = off")
    conn.execute(vacuum)
    assert _pages(conn) == loaded == _stated_pages()[major][0]


@OWN_PAIR
def test_hot_standby_feedback_keeps_the_rows_on_the_primary_but_not_against_locks(own_pair):
    primary, standby = own_pair
    create, delete, vacuum = statements("postgres/scaling/standby-conflict-primary.sql")
    begin, first, second, commit = statements("postgres/scaling/standby-conflict-standby.sql")
    [keep_tail] = statements("postgres/scaling/standby-conflict-keep-tail.sql")
    with _connect(primary) as p, _connect(standby) as s:
        with system_settings(s, max_standby_streaming_delay="0", hot_standby_feedback="on"):
            # through a slot, the standby's oldest xmin is kept on the slot, not the walsender
            wait_for(
                lambda: _feedback(p),
                "the xmin on the slot only",
                10,
                accept=lambda xmins: xmins[0] is None and xmins[1] is not None,
            )
            try:
                p.execute(create)
                p.execute(keep_tail)  # else, from PostgreSQL 17, VACUUM's cut ends the report
                loaded = _pages(p)
                wait_replayed(p, s)
                with _connect(standby) as report:
                    report.execute(begin)
                    assert report.execute(first).fetchone() == (10000,)
                    _delete_and_vacuum(p, delete, vacuum)
                    wait_replayed(p, s)
                    assert report.execute(second).fetchone() == (10000,)  # not cancelled
                    report.execute(commit)
                assert _pages(p) == loaded  # the empty pages stayed in the file
                assert _dead_rows(p) == 5000  # the price: VACUUM left them on the primary
                # an ACCESS EXCLUSIVE lock taken on the primary still conflicts
                before = _conflicts(s, "confl_lock")
                with _connect(standby) as report:
                    report.execute(begin)
                    report.execute(first)
                    p.execute("ALTER TABLE readings ADD COLUMN note text")
                    wait_replayed(p, s)
                    with pytest.raises(psycopg.errors.SerializationFailure) as ended:
                        report.execute(second)
                assert "conflict with recovery" in str(ended.value)
                assert ended.value.diag.message_detail == (
                    "User was holding a relation lock for too long."
                )
                wait_for(
                    lambda: _conflicts(s, "confl_lock"),
                    "one more lock conflict",
                    10,
                    accept=lambda n: n == before + 1,
                )
            finally:
                p.execute("DROP TABLE IF EXISTS readings")
        _no_xmin_fed_back(p)


# --- partitioning ------------------------------------------------------------------------------


def test_primary_key_must_include_the_partition_key_and_id_alone_is_not_unique(new_pg_db):
    conn = new_pg_db("none")
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="must include all partitioning"):
        replay(conn, "postgres/scaling/partition-pk-without-key.sql")
    conn = new_pg_db("none")
    results = replay(conn, "postgres/scaling/partition-pk.sql").selected()
    assert [(str(p), i) for p, i, _ in results[-1]] == [("events_2025", 1), ("events_2026", 1)]


@pytest.mark.parametrize(
    "path",
    [
        "postgres/scaling/partition-range-two-months.sql",
        "postgres/scaling/partition-list-two-regions.sql",
        "postgres/scaling/partition-hash-two-remainders.sql",
    ],
)
def test_the_briefs_partitioned_tables_reject_rows_they_have_no_partition_for(new_pg_db, path):
    conn = new_pg_db("none")
    with pytest.raises(psycopg.errors.CheckViolation, match="no partition of relation"):
        replay(conn, path)


def test_range_partitions_accept_every_event_and_prune_at_plan_and_run_time(new_pg_db):
    conn = new_pg_db("sample")
    path = "postgres/scaling/partition-range.sql"
    done = replay(conn, path, upto=-1)
    plans, results = done.plans, done.selected()
    assert results[0] == [(24, 40000)]  # every event of the sample found its month
    assert scalar(conn, "SELECT count(*) FROM events") == 40000
    planned, executed = plans
    assert scanned(planned) == {"events_p_2026_01"}
    append = next(n for n in plan_nodes(executed) if n["Node Type"] == "Append")
    assert append["Subplans Removed"] == 23
    assert scanned(executed) == {"events_p_2026_01"}
    assert not scalar(conn, "SELECT count(*) FROM pg_inherits i JOIN pg_class c "
                      "ON c.oid = i.inhrelid WHERE i.inhparent = 'events_p'::regclass "
                      "AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'")  # fmt: skip
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(statements(path)[-1])
    # old data goes with its partition: detached, the month leaves the table in one statement
    month = scalar(conn, "SELECT count(*) FROM events_p_2024_11")
    assert month > 0
    conn.execute("ALTER TABLE events_p DETACH PARTITION events_p_2024_11")
    assert scalar(conn, "SELECT count(*) FROM events_p") == 40000 - month
    conn.execute("DROP TABLE events_p_2024_11")


def test_list_partitions_with_a_default_and_pruning_only_on_the_bare_key(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/scaling/partition-list.sql")
    plans, results = done.plans, done.selected()
    counts = {str(p): n for p, n in results[0]}
    assert counts == {
        "customers_p_us": 835,
        "customers_p_eu": 600,
        "customers_p_apac": 383,
        "customers_p_latam": 182,
        "customers_p_other": 1,
    }
    assert sum(counts.values()) == scalar(conn, "SELECT count(*) FROM customers") + 1
    by_key, by_expression = plans
    assert scanned(by_key) == {"customers_p_eu"}  # not even the default
    assert scanned(by_expression) == set(counts)  # all five
    # with a default partition, DETACH … CONCURRENTLY is refused
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="default partition"):
        conn.execute("ALTER TABLE customers_p DETACH PARTITION customers_p_eu CONCURRENTLY")


def test_a_default_partition_holding_a_value_blocks_its_partition(new_pg_db):
    conn = new_pg_db("none")
    with pytest.raises(psycopg.errors.CheckViolation, match="default partition"):
        replay(conn, "postgres/scaling/partition-list-default.sql")


def test_hash_partitions_spread_evenly_prune_on_equality_and_refuse_a_default(new_pg_db):
    conn = new_pg_db("sample")
    path = "postgres/scaling/partition-hash.sql"
    done = replay(conn, path, upto=-1)
    plans, results = done.plans, done.selected()
    counts = [n for _, n in results[0]]
    assert len(counts) == 4 and sum(counts) == 5000
    assert (min(counts), max(counts)) == (1158, 1325)
    [plan] = plans
    assert len(scanned(plan)) == 1
    assert "Append" not in node_types(plan)
    with pytest.raises(psycopg.errors.InvalidTableDefinition, match="may not have a default"):
        conn.execute(statements(path)[-1])


RANGE_SETUP = 4  # partition-range.sql up to its ANALYZE: the table, its 24 months and its rows


def _partitions(conn: psycopg.Connection) -> dict[str, bool]:
    """Each partition of events_p, and whether its detach is pending."""
    rows = conn.execute(
        "SELECT inhrelid::regclass::text, inhdetachpending FROM pg_inherits "
        "WHERE inhparent = 'events_p'::regclass"
    ).fetchall()
    return dict(rows)


def _reading(reader: psycopg.Connection) -> None:
    """An open transaction that has read events_p: it holds ACCESS SHARE until it ends."""
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events_p")


def test_dropping_or_detaching_a_partition_queues_behind_readers_in_access_exclusive(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/scaling/partition-range.sql", upto=RANGE_SETUP)
    set_lock_timeout, detach, drop = statements("postgres/scaling/partition-retire.sql")
    reader, probe, observer = (connect_like(conn) for _ in range(3))
    probe.execute("SET lock_timeout = '100ms'")
    _reading(reader)
    # with the page's lock_timeout the DETACH gives up, and nothing has changed
    conn.execute(set_lock_timeout)
    started = time.monotonic()
    with pytest.raises(psycopg.errors.LockNotAvailable, match="canceling statement due to lock"):
        conn.execute(detach)
    assert 1.0 <= time.monotonic() - started < 2.0  # "gave up after a second"
    assert len(_partitions(observer)) == 24
    conn.execute("RESET lock_timeout")
    for statement in (detach, drop):
        running = Background(conn, statement)
        waiting = lock_waits(observer, conn.info.backend_pid)
        assert waiting == [("relation", "events_p", "AccessExclusiveLock")]
        assert blocked(probe, "SELECT count(*) FROM events_p")  # a new query queues behind it
        reader.execute("COMMIT")
        assert running.join() is None
        _reading(reader)
    reader.execute("COMMIT")
    assert {"events_p_2024_11", "events_p_2024_12"} & set(_partitions(observer)) == set()


def test_a_partition_made_apart_and_attached_does_not_queue_behind_readers(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/scaling/partition-range.sql", upto=RANGE_SETUP)
    reader, probe, observer = (connect_like(conn) for _ in range(3))
    probe.execute("SET lock_timeout = '100ms'")
    _reading(reader)
    # The form partition-range.sql makes its months with: ACCESS EXCLUSIVE on events_p, behind
    # the reader, and every new query behind it.
    running = Background(
        conn,
        "CREATE TABLE events_p_2026_12 PARTITION OF events_p "
        "FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2027-01-01 00:00+00')",
    )
    waiting = lock_waits(observer, conn.info.backend_pid)
    assert waiting == [("relation", "events_p", "AccessExclusiveLock")]
    assert blocked(probe, "SELECT count(*) FROM events_p")
    reader.execute("COMMIT")
    assert running.join() is None
    # The page's job, while a reader and a writer of events_p keep their transactions open.
    _reading(reader)
    writer = connect_like(conn)
    writer.execute("BEGIN")
    writer.execute("UPDATE events_p SET payload = '{}' WHERE id = (SELECT min(id) FROM events_p)")
    done = replay(conn, "postgres/scaling/partition-premake.sql")
    assert done.results[-1][0].startswith("INSERT")
    assert not blocked(probe, "SELECT count(*) FROM events_p")
    held = observer.execute(
        "SELECT mode FROM pg_locks WHERE pid = %s AND relation = 'events_p'::regclass",
        [conn.info.backend_pid],
    ).fetchall()
    assert held == []  # autocommit: nothing left held after the job
    writer.execute("COMMIT")
    reader.execute("COMMIT")
    assert {"events_p_2026_11", "events_p_2026_12"} <= set(_partitions(observer))
    assert scalar(observer, "SELECT count(*) FROM events_p_2026_11") == 1


def _attach_lock(conn: psycopg.Connection) -> str:
    """The locks the page's job takes on events_p, read inside its own transaction."""
    create, attach = statements("postgres/scaling/partition-premake.sql")[1:3]
    conn.execute("BEGIN")
    conn.execute(create)
    conn.execute(attach)
    modes = conn.execute(
        "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() "
        "AND relation = 'events_p'::regclass ORDER BY mode"
    ).fetchall()
    conn.execute("ROLLBACK")
    return ", ".join(m for (m,) in modes)


def test_attach_partition_takes_share_update_exclusive_on_the_parent(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/scaling/partition-range.sql", upto=RANGE_SETUP)
    # LIKE reads the parent's definition (ACCESS SHARE); ATTACH takes SHARE UPDATE EXCLUSIVE:
    # neither conflicts with the ROW EXCLUSIVE of writers or the ACCESS SHARE of readers.
    assert _attach_lock(conn) == "AccessShareLock, ShareUpdateExclusiveLock"


def test_detach_concurrently_lets_queries_through_and_waits_for_older_ones(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/scaling/partition-range.sql", upto=RANGE_SETUP)
    detach, drop = statements("postgres/scaling/partition-detach-concurrently.sql")
    # not in a transaction block
    replay_until_error(
        conn, "postgres/scaling/partition-detach-concurrently-in-transaction.sql",
        psycopg.errors.ActiveSqlTransaction,
    )  # fmt: skip
    conn.execute("ROLLBACK")
    reader, maintenance, probe, observer = (connect_like(conn) for _ in range(4))
    probe.execute("SET lock_timeout = '100ms'")
    pid = conn.info.backend_pid
    _reading(reader)
    maintenance.execute("BEGIN")
    maintenance.execute("ANALYZE events_p")  # SHARE UPDATE EXCLUSIVE until COMMIT
    running = Background(conn, detach)
    # its lock on events_p: SHARE UPDATE EXCLUSIVE, the one ANALYZE holds, so it waits for that
    waiting = lock_waits(observer, pid)
    assert waiting == [("relation", "events_p", "ShareUpdateExclusiveLock")]
    maintenance.execute("COMMIT")
    # then it waits for the transaction that read events_p before it, holding no lock on it
    waiting = lock_waits(observer, pid, lambda w: w and w[0][0] == "virtualxid")
    assert waiting == [("virtualxid", None, "ShareLock")]
    held = "SELECT count(*) FROM pg_locks WHERE pid = %s AND relation = 'events_p'::regclass"
    assert scalar(observer, held, [pid]) == 0
    assert _partitions(observer)["events_p_2024_11"] is True  # pending
    assert not blocked(probe, "SELECT count(*) FROM events_p")
    assert not blocked(
        probe, "INSERT INTO events_p (id, event_type, created_at) VALUES (0, 'login', '2025-06-01')"
    )
    reader.execute("COMMIT")
    assert running.join() is None
    assert "events_p_2024_11" not in _partitions(observer)
    # the detached month is an ordinary table: dropping it waits for no reader of events_p
    _reading(reader)
    conn.execute("SET lock_timeout = '100ms'")
    conn.execute(drop)
    reader.execute("COMMIT")
    # interrupted while it waits (here by lock_timeout), it leaves the partition pending ...
    _reading(reader)
    with pytest.raises(psycopg.errors.LockNotAvailable):
        conn.execute("ALTER TABLE events_p DETACH PARTITION events_p_2024_12 CONCURRENTLY")
    reader.execute("COMMIT")
    assert _partitions(observer)["events_p_2024_12"] is True
    december = "SELECT count(*) FROM {} WHERE created_at < '2025-01-01 00:00+00'"
    assert scalar(observer, december.format("events_p")) == 0  # queries no longer see it
    assert scalar(observer, december.format("events_p_2024_12")) > 0
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="FINALIZE"):
        conn.execute("ALTER TABLE events_p DETACH PARTITION events_p_2025_01 CONCURRENTLY")
    # ... until FINALIZE completes the detach
    conn.execute("ALTER TABLE events_p DETACH PARTITION events_p_2024_12 FINALIZE")
    assert "events_p_2024_12" not in _partitions(observer)


# --- sharding ----------------------------------------------------------------------------------


def test_two_phase_commit_is_off_by_default_and_needs_a_restart_to_turn_on(new_pg_db):
    conn = new_pg_db("none")
    setting = conn.execute(
        "SELECT setting, boot_val, context FROM pg_settings "
        "WHERE name = 'max_prepared_transactions'"
    ).fetchone()
    assert setting[1:] == ("0", "postmaster")
    conn.execute("CREATE TABLE transfer (n int)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO transfer VALUES (1)")
    if setting[0] == "0":  # the default: every server of this suite
        with pytest.raises(
            psycopg.errors.ObjectNotInPrerequisiteState, match="prepared transactions are disabled"
        ):
            conn.execute("PREPARE TRANSACTION 'transfer-1'")
        conn.execute("ROLLBACK")
    else:  # a server given with DBARCH_POSTGRES_URL that has it on
        conn.execute("PREPARE TRANSACTION 'transfer-1'")
        conn.execute("ROLLBACK PREPARED 'transfer-1'")
    assert scalar(conn, "SELECT count(*) FROM transfer") == 0


def test_the_router_places_each_customer_on_one_shard_and_merges_cross_shard_queries(
    conn, shard_urls, capsys
):
    ns = run_python("python/scaling/shard_router.py", conn=conn, shard_urls=shard_urls)
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "[[0], [0, 1]]"  # one shard for a customer, both for the regions
    router = ns["ShardRouter"](shard_urls)  # a second router: the same placement
    try:
        shards = router.shards
        per_shard = [scalar(s, "SELECT count(*) FROM orders") for s in shards]
        assert sum(per_shard) == 20000 and min(per_shard) > 9000
        for customer_id in (1, 8, 123, 1999):
            here = router.shard_for(customer_id)
            assert here == ns["router"].shard_for(customer_id)
            where = [
                scalar(s, "SELECT count(*) FROM orders WHERE customer_id = %s", [customer_id])
                for s in shards
            ]
            total = scalar(
                conn, "SELECT count(*) FROM orders WHERE customer_id = %s", [customer_id]
            )
            assert where[here] == total and where[1 - here] == 0
            assert (
                router.orders_of(customer_id)
                == conn.execute(
                    "SELECT id, status, total FROM orders WHERE customer_id = %s ORDER BY id",
                    [customer_id],
                ).fetchall()
            )
        # no customer lives on both shards
        ids = [{r[0] for r in s.execute("SELECT id FROM customers")} for s in shards]
        assert not ids[0] & ids[1] and len(ids[0] | ids[1]) == 2000
        # the cross-shard answer equals the unsharded one, and needed both shards
        router.queried.clear()
        merged = router.revenue_by_region()
        assert router.queried == [[0, 1]]
        single = dict(
            conn.execute(
                "SELECT c.region, sum(o.total) FROM orders o JOIN customers c "
                "ON c.id = o.customer_id GROUP BY c.region ORDER BY 1"
            ).fetchall()
        )
        assert merged == single
        # neither shard alone has the answer
        assert all(
            dict(s.execute("SELECT c.region, sum(o.total) FROM orders o JOIN customers c "
                           "ON c.id = o.customer_id GROUP BY 1").fetchall()) != single
            for s in shards
        )  # fmt: skip
        # adding a third shard: reassigning buckets moves only their keys; modulo moves most
        keys = range(1, 2001)
        before = {k: router.shard_for(k) for k in keys}
        reassigned = set(range(0, ns["BUCKETS"], 3))  # every third bucket, to a third shard
        router.bucket_map = router.bucket_map | {b: 2 for b in reassigned}
        moved = {k for k in keys if router.shard_for(k) != before[k]}
        assert moved == {k for k in keys if router.bucket(k) in reassigned}
        assert {router.shard_for(k) for k in moved} == {2}
        moved_modulo = sum(k % 2 != k % 3 for k in keys)
        assert len(moved) / len(keys) < 0.4 < 0.6 < moved_modulo / len(keys)
    finally:
        router.close()


def test_the_bucket_is_stable_across_processes_where_pythons_str_hash_is_not():
    # The router of the page's snippet (its imports and the included section, without the demo
    # that needs databases), asked for a bucket in two processes with differently salted hashes.
    source = (paths.SNIPPETS / "python/scaling/shard_router.py").read_text()
    router = source[: source.index("# --8<-- [end:router]")]
    code = (
        "import sys; ns = {}; exec(sys.stdin.read(), ns); "
        "print(ns['ShardRouter'].bucket(None, 123), hash('customer:123'))"
    )

    def run(seed: str) -> list[str]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        return subprocess.run(
            [sys.executable, "-c", code],
            input=router,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()

    runs = [run(seed) for seed in ("1", "2", "3")]
    assert len({bucket for bucket, _ in runs}) == 1  # the router's bucket: the same everywhere
    assert len({salted for _, salted in runs}) == 3  # hash() of a str: salted per process


# --- caching -----------------------------------------------------------------------------------


@pytest.fixture
def cache(conn, redis_client, pg_url):
    """The cache snippet, run; plus a second connection for the competing request."""
    ns = run_python("python/scaling/cache.py", conn=conn, redis_client=redis_client)
    with psycopg.connect(pg_url, autocommit=True) as other:
        ns["other"] = other
        yield ns


def cached(ns: dict, user_id: int) -> dict | None:
    value = ns["r"].get(ns["key"](user_id))
    return json.loads(value) if value is not None else None


def in_db(ns: dict, user_id: int) -> dict:
    return ns["load_user"](ns["conn"], user_id)


def during(ns: dict, name: str, interleaved) -> None:
    """Replace the snippet's function `name` by one that runs `interleaved` right after it."""
    original = ns[name]

    def wrapped(*args):
        result = original(*args)
        ns[name] = original
        interleaved()
        return result

    ns[name] = wrapped


def test_cache_aside_misses_once_then_hits_with_a_ttl(cache):
    ns = cache
    conn, r = ns["conn"], ns["r"]
    conn.execute(
        "SELECT pg_stat_statements_reset(0, "
        "(SELECT oid FROM pg_database WHERE datname = current_database()), 0)"
    )
    assert cached(ns, 7) is None
    first = ns["get_user"](conn, r, 7)
    second = ns["get_user"](conn, r, 7)
    assert first == second == cached(ns, 7)
    loads = scalar(
        conn,
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE %s "
        "AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
        ["SELECT id, email, full_name, version FROM users WHERE id = %"],
    )
    assert loads == 1  # the second read came from Redis
    assert 0 < r.ttl(ns["key"](7)) <= ns["TTL"] == 3600


def test_the_briefs_json_dumps_of_select_star_fails(cache):
    conn = cache["conn"]
    cur = conn.execute("SELECT * FROM users WHERE id = %s", [7])
    row = dict(zip([c.name for c in cur.description], cur.fetchone(), strict=True))
    with pytest.raises(TypeError, match="datetime is not JSON serializable"):
        json.dumps(row)
    assert set(json.loads(json.dumps(cache["load_user"](conn, 7)))) == {
        "id",
        "email",
        "full_name",
        "version",
    }


def test_invalidation_race_leaves_the_old_value_cached(cache):
    ns = cache
    conn, other, r = ns["conn"], ns["other"], ns["r"]
    # A reads (miss, SELECT); B updates and deletes; then A fills the cache.
    during(ns, "load_user", lambda: ns["rename_user"](other, r, 7, "New Name"))
    ns["get_user"](conn, r, 7)
    assert in_db(ns, 7)["full_name"] == "New Name"
    assert cached(ns, 7)["full_name"] != "New Name"  # stale
    assert r.ttl(ns["key"](7)) > 3500  # and it stays for the TTL


def test_versioned_write_through_refuses_the_slow_readers_old_version(cache):
    ns = cache
    conn, other, r = ns["conn"], ns["other"], ns["r"]
    during(ns, "load_user", lambda: ns["rename_user_write_through"](other, r, 7, "New Name"))
    returned = ns["get_user_versioned"](conn, r, 7)
    assert returned["full_name"] != "New Name"  # A returns what it read ...
    assert cached(ns, 7) == in_db(ns, 7)  # ... but the cache keeps B's newer version
    assert cached(ns, 7)["full_name"] == "New Name"


def writers_cache_in_reverse(ns: dict, store: Callable[[Any, dict], Any]) -> None:
    """Two writers of user 7, through the snippet's write-through with `store` as its cache
    update: W1 commits version 2; before W1 updates the cache, W2 commits version 3 and caches
    it; then W1's update reaches the cache."""
    conn, other, r = ns["conn"], ns["other"], ns["r"]

    def late(r_, user):
        ns["cache_if_newer"] = store
        ns["rename_user_write_through"](other, r, 7, "Second")
        return store(r_, user)

    ns["cache_if_newer"] = late
    ns["rename_user_write_through"](conn, r, 7, "First")
    assert in_db(ns, 7)["full_name"] == "Second"


def test_versioned_write_through_keeps_racing_writers_in_commit_order(cache):
    writers_cache_in_reverse(cache, cache["cache_if_newer"])
    assert cached(cache, 7)["full_name"] == "Second"


def test_write_through_without_the_version_check_caches_the_writer_that_came_last(cache):
    """ "Write-through has the same problem between two writers whose cache updates arrive in
    the opposite order of their commits": the same interleaving, with a plain SET in place of
    the snippet's check."""

    def plain_set(r, user):
        return r.set(cache["key"](user["id"]), json.dumps(user), ex=cache["TTL"])

    writers_cache_in_reverse(cache, plain_set)
    assert cached(cache, 7)["full_name"] == "First"  # stale: the older commit, cached last
    assert cached(cache, 7)["version"] == in_db(cache, 7)["version"] - 1


def test_stale_entry_remains_possible_if_the_newer_entry_vanishes_first(cache):
    ns = cache
    conn, other, r = ns["conn"], ns["other"], ns["r"]

    def write_then_evict():
        ns["rename_user_write_through"](other, r, 7, "New Name")
        r.delete(ns["key"](7))  # evicted or expired in between

    during(ns, "load_user", write_then_evict)
    ns["get_user_versioned"](conn, r, 7)
    assert in_db(ns, 7)["full_name"] == "New Name"
    assert cached(ns, 7)["full_name"] != "New Name"  # case 1: stale
    assert r.ttl(ns["key"](7)) <= ns["TTL"]


def test_stale_entry_remains_possible_if_the_writer_never_updates_the_cache(cache):
    ns = cache
    conn, r = ns["conn"], ns["r"]
    before = ns["get_user_versioned"](conn, r, 7)  # cached
    original = ns["cache_if_newer"]

    def redis_down(*args):
        raise ConnectionError("Redis unreachable")

    ns["cache_if_newer"] = redis_down
    with pytest.raises(ConnectionError):
        ns["rename_user_write_through"](conn, r, 7, "New Name")  # committed, not cached
    ns["cache_if_newer"] = original
    assert in_db(ns, 7)["full_name"] == "New Name"
    assert cached(ns, 7) == before  # case 2: the previous version stays, until the TTL
    assert 0 < r.ttl(ns["key"](7)) <= ns["TTL"]


# --- connection pooling ------------------------------------------------------------------------


def test_pgbouncer_runs_the_pages_configuration_in_transaction_mode(pgbouncer_server):
    with psycopg.connect(pgbouncer_server.url("pgbouncer"), autocommit=True) as admin:
        config = {row[0]: row[1] for row in admin.execute("SHOW CONFIG").fetchall()}
        version = admin.execute("SHOW VERSION").fetchone()[0]
    assert config["pool_mode"] == "transaction"
    assert (config["default_pool_size"], config["max_client_conn"]) == ("20", "500")
    assert (config["reserve_pool_size"], config["server_idle_timeout"]) == ("5", "600")
    assert version == pgbouncer_server.version  # what the summary and the page's table name
    assert version_row(pgbouncer_server)


def version_row(server: engines.Server) -> str:
    """The row of the page's table of PgBouncer versions for the one running."""
    major_minor = re.escape(".".join(map(str, pgbouncer.major_minor(server))))
    found = re.search(rf"^\| {major_minor} \|.*\|$", PAGE.read_text(), re.M)
    assert found, f"the page has no row for {server.version}"
    return found[0]


def test_two_clients_share_one_server_connection(pgbouncer_url):
    with (
        psycopg.connect(pgbouncer_url, autocommit=True) as a,
        psycopg.connect(pgbouncer_url, autocommit=True) as b,
    ):
        pid_a = scalar(a, "SELECT pg_backend_pid()")
        pid_b = scalar(b, "SELECT pg_backend_pid()")
        assert pid_a == pid_b


def test_prepared_statements_break_in_transaction_mode_unless_switched_off(
    pgbouncer_server, pgbouncer_url, capsys
):
    run_python("python/scaling/pgbouncer_psycopg.py", pgbouncer_url=pgbouncer_url)
    out = capsys.readouterr().out.splitlines()
    if pgbouncer.major_minor(pgbouncer_server) < pgbouncer.TRACKS_BY_DEFAULT:
        assert out.pop(0) == '26000: prepared statement "_pg3_0" does not exist'
    with psycopg.connect(pgbouncer_url, prepare_threshold=None) as direct:
        orders = scalar(direct, "SELECT count(*) FROM orders WHERE customer_id = 7")
    # the same query, with prepare_threshold=None; from 1.24 on, the broken part printed nothing
    assert out[0] == f"({orders},)" == "(12,)"
    assert out[1] == "another client sees statement_timeout = 5s"  # session state leaks
    assert len(out) == 2


def test_sqlalchemy_through_pgbouncer_needs_prepare_threshold_none(pgbouncer_server, pgbouncer_url):
    from sqlalchemy import create_engine, make_url

    url = make_url(pgbouncer_url).set(drivername="postgresql+psycopg")
    fixed = _switching_server_connections(
        create_engine(url, connect_args={"prepare_threshold": None}), pgbouncer_url
    )
    # Transaction pooling really happened: one client session, several server connections
    # (in session mode it would keep one, and prepared statements would never break).
    assert len({pid for pid in fixed if isinstance(pid, int)}) > 1
    assert all(isinstance(pid, int) for pid in fixed), fixed
    # psycopg's default (prepare_threshold=5) prepares the query at its 6th execution, on that
    # transaction's server connection; the 7th transaction gets the other one
    default = _switching_server_connections(create_engine(url), pgbouncer_url)
    assert all(isinstance(pid, int) for pid in default[:6]), default
    if pgbouncer.major_minor(pgbouncer_server) < pgbouncer.TRACKS_BY_DEFAULT:
        assert default[6:] == [
            'InvalidSqlStatementName: prepared statement "_pg3_0" does not exist'
        ]
    else:  # PgBouncer prepares it again on whichever server connection the query gets
        assert len(default) == 16 and all(isinstance(pid, int) for pid in default), default
        assert len(set(default)) > 1


def _switching_server_connections(engine: Any, pgbouncer_url: str) -> list[int | str]:
    """One SQLAlchemy connection through PgBouncer running `SELECT pg_backend_pid()` in 16
    transactions, while another client takes the idle server connection away every other time:
    the pid each returned, and the error that ended them, if one did."""
    from sqlalchemy import exc, text

    seen: list[int | str] = []
    try:
        with psycopg.connect(pgbouncer_url, autocommit=True, prepare_threshold=None) as other:
            with engine.connect() as c:
                for _ in range(8):
                    for takes_it_away in (False, True):
                        with _held_by(other) if takes_it_away else contextlib.nullcontext():
                            seen.append(c.execute(text("SELECT pg_backend_pid()")).scalar_one())
                            c.commit()
    except exc.DBAPIError as e:
        seen.append(f"{type(e.orig).__name__}: {e.orig}")
    finally:
        engine.dispose()
    return seen


def test_each_pool_has_its_own_reserve(tmp_path, postgres_server, pgbouncer_server, pg_databases):
    """ "The server must allow, for each pair, default_pool_size plus reserve_pool_size": two
    databases, so two pools, each of 1 + 1 connections, and two clients holding a transaction
    open in each; the second client of a pool waits reserve_pool_timeout, then gets a reserve
    connection of that pool."""
    edit = _edited(
        {
            "default_pool_size = 20": "default_pool_size = 1",
            "reserve_pool_size = 5": "reserve_pool_size = 1",
            "reserve_pool_timeout = 3": "reserve_pool_timeout = 0.2",
            # a client that gets no server connection fails after 5 s instead of waiting 120
            "server_idle_timeout = 600": "server_idle_timeout = 600\nquery_wait_timeout = 5",
        }
    )
    with _own_pgbouncer(tmp_path, postgres_server, edit) as bouncer, contextlib.ExitStack() as held:
        servers = set()
        for database in (pg_databases.create("none"), pg_databases.create("none")):
            for _ in range(2):
                client = held.enter_context(
                    psycopg.connect(bouncer.url(database), prepare_threshold=None)
                )
                servers.add((database, scalar(client, "SELECT pg_backend_pid()")))
        assert len(servers) == 4  # not 1 + 1 + 1: each pool has its reserve


def test_what_lives_in_the_server_session_breaks_in_transaction_mode(
    tmp_path, postgres_server, pgbouncer_server, pg_databases
):
    """ "Anything that lives in the server session breaks: SET without LOCAL, session advisory
    locks, LISTEN, temporary tables, WITH HOLD cursors": each set up by one statement and used
    by the next, which runs on another server connection because another client took the first
    one in between. A PgBouncer of its own, from the page's ini: what leaks stays on its server
    connections, closed at the end."""
    database = pg_databases.create("none")
    with _own_pgbouncer(tmp_path, postgres_server) as bouncer:
        url = bouncer.url(database)
        with (
            psycopg.connect(url, autocommit=True, prepare_threshold=None) as app,
            psycopg.connect(url, autocommit=True, prepare_threshold=None) as other,
        ):
            heard: dict[str, list[str]] = {"app": [], "other": []}
            app.add_notify_handler(lambda n: heard["app"].append(n.payload))
            other.add_notify_handler(lambda n: heard["other"].append(n.payload))

            app.execute("CREATE TEMPORARY TABLE scratch (n int)")
            with _held_by(other), pytest.raises(psycopg.errors.UndefinedTable):
                app.execute("SELECT n FROM scratch")
            app.execute("SELECT pg_advisory_lock(4242)")
            with _held_by(other):
                assert app.execute("SELECT pg_advisory_unlock(4242)").fetchone() == (False,)
            # The lock stays with the pooled server connection, which no client owns: anyone
            # else who asks for it, through PgBouncer or not, is refused until that closes.
            with psycopg.connect(postgres_server.url(database), autocommit=True) as direct:
                assert scalar(direct, "SELECT pg_try_advisory_lock(4242)") is False
            app.execute("DECLARE kept CURSOR WITH HOLD FOR SELECT 1")
            with _held_by(other), pytest.raises(psycopg.errors.InvalidCursorName):
                app.execute("FETCH kept")
            app.execute("LISTEN news")
            with _held_by(other):  # the session that listens delivers at other's COMMIT
                with psycopg.connect(postgres_server.url(database), autocommit=True) as direct:
                    direct.execute("NOTIFY news, 'for app'")
            app.execute("SELECT 1")
            assert heard == {"app": [], "other": ["for app"]}


def test_statement_mode_runs_single_statements_and_refuses_a_transaction(
    tmp_path, postgres_server, pgbouncer_server, pg_databases
):
    """ "`statement` for one statement (no multi-statement transactions)"."""
    database = pg_databases.create("none")
    statement_mode = _edited({"pool_mode = transaction": "pool_mode = statement"})
    with _own_pgbouncer(tmp_path, postgres_server, statement_mode) as bouncer:
        url = bouncer.url(database)
        with psycopg.connect(url, autocommit=True, prepare_threshold=None) as single:
            assert single.execute("SELECT 1").fetchone() == (1,)
            assert single.execute("SELECT 2").fetchone() == (2,)
        # Outside autocommit psycopg sends BEGIN before the first statement: PgBouncer refuses
        # it and closes the client's connection.
        in_transaction = psycopg.connect(url, prepare_threshold=None)
        with pytest.raises(
            psycopg.errors.ProtocolViolation,
            match="^transaction blocks not allowed in statement pooling mode$",
        ):
            in_transaction.execute("SELECT 1")
        assert in_transaction.closed


@contextlib.contextmanager
def _held_by(other: psycopg.Connection) -> Iterator[None]:
    """`other` holds, in a transaction, the server connection PgBouncer got back last: another
    client's next statement runs on a different one."""
    other.execute("BEGIN")
    other.execute("SELECT 1")
    try:
        yield
    finally:
        other.execute("COMMIT")


def _edited(edits: dict[str, str]) -> Callable[[str], str]:
    """An edit of the page's pgbouncer.ini: each key, found exactly once, replaced."""

    def edit(ini: str) -> str:
        for old, new in edits.items():
            assert ini.count(old) == 1, old
            ini = ini.replace(old, new)
        return ini

    return edit


@contextlib.contextmanager
def _own_pgbouncer(
    tmp_path: Path, backend: engines.Server, edit: Callable[[str], str] = str
) -> Iterator[engines.Server]:
    """A PgBouncer of the test's own, from an edited copy of the page's ini: what a test leaks
    on its server connections goes when it stops."""
    ini = tmp_path / "pgbouncer.ini"
    ini.write_text(edit((paths.SNIPPETS / "pgbouncer" / "pgbouncer.ini").read_text()))
    server = pgbouncer.start(ini, backend)
    try:
        yield server
    finally:
        server.stop()


def _pgbouncer_with(tmp_path: Path, backend, edit) -> str:
    """Start PgBouncer from an edited copy of the page's ini; the log when it refuses."""
    with pytest.raises(RuntimeError) as refused, _own_pgbouncer(tmp_path, backend, edit):
        pass
    return str(refused.value)


def test_the_briefs_inline_comment_stops_pgbouncer(tmp_path, postgres_server, pgbouncer_server):
    log = _pgbouncer_with(
        tmp_path,
        postgres_server,
        _edited(
            {
                "pool_mode = transaction": "pool_mode = transaction  # transaction, session, or statement"
            }
        ),
    )
    assert (
        'invalid value "transaction  # transaction, session, or statement" for parameter '
        "pool_mode" in log
    )
    assert "cannot load config file" in log


def test_max_prepared_statements_is_unknown_to_1_18_and_on_by_default_from_1_24(
    tmp_path, postgres_server, pgbouncer_server
):
    version = pgbouncer.major_minor(pgbouncer_server)
    row = version_row(pgbouncer_server)
    if version < (1, 21):
        log = _pgbouncer_with(
            tmp_path, postgres_server, lambda ini: ini + "max_prepared_statements = 100\n"
        )
        assert "unknown parameter: pgbouncer/max_prepared_statements" in log
        assert "| not tracked; with `max_prepared_statements`" in row
        return
    with psycopg.connect(pgbouncer_server.url("pgbouncer"), autocommit=True) as admin:
        config = {row[0]: row[1] for row in admin.execute("SHOW CONFIG").fetchall()}
    assert version >= pgbouncer.TRACKS_BY_DEFAULT  # 1.21 to 1.23 are not run here
    assert config["max_prepared_statements"] == "200"  # the page's ini does not set it
    assert "max_prepared_statements" not in (paths.SNIPPETS / "pgbouncer/pgbouncer.ini").read_text()
    assert "| tracked, on by default: `max_prepared_statements` is 200 |" in row


def test_pgbouncer_tracks_psycopgs_prepared_statements_and_their_close(
    pgbouncer_server, pgbouncer_url
):
    """psycopg preparing every query, through the page's PgBouncer, while another client keeps
    taking server connections away. Before 1.24 the first query that lands on a server
    connection that did not prepare it fails. From 1.24 on all of them work, and so does
    psycopg's eviction of the least recently used statement, which a libpq of 17 or later
    sends as a protocol-level Close. A `DEALLOCATE name` (what an older libpq makes psycopg
    send) cannot reach a statement that PgBouncer named otherwise on the server; `DEALLOCATE
    ALL` is accepted."""
    tracks = pgbouncer.major_minor(pgbouncer_server) >= pgbouncer.TRACKS_BY_DEFAULT
    queries = [f"SELECT count(*) + {n} FROM orders WHERE customer_id = %s" for n in range(3)]
    pids = set()
    breaks = pytest.raises(psycopg.errors.InvalidSqlStatementName, match='"_pg3_0"')
    with (
        psycopg.connect(pgbouncer_url, autocommit=True, prepare_threshold=0) as app,
        psycopg.connect(pgbouncer_url, autocommit=True, prepare_threshold=None) as other,
    ):
        app.prepared_max = 2
        with contextlib.nullcontext() if tracks else breaks:
            for round_ in range(3):  # the first two queries, each on both server connections
                for n, query in enumerate(queries[:2]):
                    with _held_by(other) if (round_ + n) % 2 else contextlib.nullcontext():
                        assert app.execute(query, [7]).fetchone() == (12 + n,)
                        pid = app.execute("SELECT pg_backend_pid()", prepare=False).fetchone()
                        pids.add(pid[0])
        if not tracks:
            return
        assert len(pids) == 2  # each prepared query ran on both server connections
        assert app.execute(queries[2], [7]).fetchone() == (14,)  # a Close evicts the first
        assert app.execute(queries[0], [7]).fetchone() == (12,)  # prepared again
    with psycopg.connect(pgbouncer_url, autocommit=True, prepare_threshold=0) as app:
        app.execute(queries[0], [7])  # psycopg calls it _pg3_0
        names = "SELECT array_agg(name) FROM pg_prepared_statements"
        (on_server,) = app.execute(names, prepare=False).fetchone()
        assert on_server and all(name.startswith("PGBOUNCER_") for name in on_server), on_server
        with pytest.raises(psycopg.errors.InvalidSqlStatementName, match='"_pg3_0"'):
            app.execute("DEALLOCATE _pg3_0", prepare=False)
        app.execute("DEALLOCATE ALL", prepare=False)
        assert app.execute(queries[0], [7]).fetchone() == (12,)  # prepared again
    # psycopg on a libpq before 17 evicts with `DEALLOCATE name`: its pure-Python build, on
    # this machine's libpq (15 on Debian 12)
    evicts = (
        "import os, psycopg\n"
        "print(psycopg.pq.version() // 10000)\n"
        "app = psycopg.connect(os.environ['URL'], autocommit=True, prepare_threshold=0)\n"
        "app.prepared_max = 1\n"
        "app.execute(os.environ['FIRST'], [7])\n"
        "try:\n"
        "    app.execute(os.environ['SECOND'], [7])  # evicts _pg3_0: DEALLOCATE _pg3_0\n"
        "except psycopg.Error as e:\n"
        "    print(f'{type(e).__name__}: {e}')\n"
    )
    env = {"PSYCOPG_IMPL": "python", "URL": pgbouncer_url}
    env |= {"FIRST": queries[0], "SECOND": queries[1]}
    done = subprocess.run(
        [sys.executable, "-c", evicts],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.splitlines() == [
        "15",
        'InvalidSqlStatementName: prepared statement "_pg3_0" does not exist',
    ], done


def test_the_psycopg_installed_closes_prepared_statements_at_protocol_level():
    """What the page says of the psycopg it runs: a wheel whose libpq (17 or later) lets it
    close a prepared statement with a protocol message rather than `DEALLOCATE name`."""
    assert psycopg.__version__.startswith("3.3.")
    assert psycopg.pq.version() // 10000 == 18
    assert psycopg.capabilities.has_send_close_prepared()
    text = " ".join(PAGE.read_text().split())
    assert "the binary wheel of psycopg 3.3 that the test suite installs carries libpq 18" in text


def test_sqlalchemy_pool_times_out_after_pool_timeout_and_pre_ping_reconnects(pg_url, capsys, conn):
    started = time.monotonic()
    ns = run_python("python/scaling/sqlalchemy_pool.py", pg_url=pg_url)
    out = capsys.readouterr().out.splitlines()
    assert re.match(r"waited \d\.\ds: TimeoutError: QueuePool limit of size 2 overflow 1 ", out[0])
    # it waited pool_timeout (0.2 s in the snippet), then raised: not much longer, not forever
    assert 0.2 <= ns["waited"] < 0.6
    assert out[1] == (
        "Pool size: 2  Connections in pool: 2 Current Overflow: 0 Current Checked out connections: 0"
    )
    assert out[2] == "pool_pre_ping=False: AdminShutdown"
    assert re.fullmatch(r"pool_pre_ping=True: reconnected \((\d+) -> (\d+)\)", out[3])
    assert time.monotonic() - started < 10
    # PostgreSQL's default max_connections, which such pools would exceed, and the slots of it
    # that ordinary roles never get: 3 for superusers, and from 16 reserved_connections (0).
    boot = dict(conn.execute("SELECT name, boot_val FROM pg_settings").fetchall())
    assert boot["max_connections"] == "100"
    assert boot["superuser_reserved_connections"] == "3"
    major = int(boot["server_version_num"]) // 10000
    assert boot.get("reserved_connections") == ("0" if major >= 16 else None)


def test_sqlalchemy_pool_keeps_pool_size_connections_open(pg_url, conn):
    from sqlalchemy import create_engine, make_url

    url = make_url(pg_url).set(drivername="postgresql+psycopg")
    engine = create_engine(url, pool_size=2, max_overflow=1, pool_timeout=0.5)
    database = scalar(conn, "SELECT current_database()")
    backends = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    )
    try:
        held = [engine.connect() for _ in range(3)]
        assert scalar(conn, backends, [database]) == 3  # pool_size + max_overflow
        for c in held:
            c.close()
        assert engine.pool.checkedin() == 2
        assert (
            wait_for(
                lambda: scalar(conn, backends, [database]),
                "two backends",
                10,
                accept=lambda n: n == 2,
            )
            == 2
        )
    finally:
        engine.dispose()
