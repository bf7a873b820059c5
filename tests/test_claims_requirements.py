"""The claims of docs/phases/requirements.md: its checklists, and the figures of its worked example."""

from __future__ import annotations

import itertools
import re
import shutil
import signal
import subprocess
import threading
import time
from datetime import timedelta

import psycopg
import pytest

from playbooks import engines, paths
from playbooks.checklist import phases
from playbooks.engines import _local
from playbooks.engines._process import make_workdir, run, service_user, spawn, stop, wait_until
from playbooks.replay import replay, scalar
from playbooks.sql import run_script, snippet, split_statements
from playbooks.testing.options import unavailable
from playbooks.testing.replicas import postgres_pair


@pytest.fixture
def requirements():
    (phase,) = [p for p in phases() if p.name == "requirements"]
    return phase


def test_the_five_checklists_come_first_in_the_cli(requirements):
    assert requirements.title == "Phase 1: Requirements analysis"
    assert phases()[0].name == "requirements"  # Phase 1 comes first
    assert requirements.checklists == [
        "Data characteristics",
        "Access patterns",
        "Performance requirements",
        "Reliability requirements",
        "Integration requirements",
    ]


def test_every_item_is_one_line_with_a_reason(requirements):
    lines = (paths.DOCS / requirements.page).read_text().splitlines()
    for item in requirements.items:
        assert item.action and item.why, item
        # the whole item is the one line of the page, in the form the CLI splits
        assert lines[item.line - 1] == f"- [ ] {item.action} — {item.why}", item
        assert item.why.endswith("."), item


def test_the_checklist_covers_the_named_questions(requirements):
    text = " ".join(item.text for item in requirements.items)
    for topic in (
        "read/write ratio",
        "retention",
        "sensitivity",
        "regulations",
        "full-text",
        "geospatial",
        "P95",
        "peak",
        "availability target",
        "recovery point objective",
        "recovery time objective",
        "backups",
        "ETL",
        "API",
    ):
        assert topic in text, topic


def test_bytes_per_order_and_the_yearly_volume(new_pg_db):
    conn = new_pg_db("sample")
    sizes, growth = (
        conn.execute(s.text).fetchall()
        for s in split_statements(snippet("postgres/requirements/volume.sql"))
    )
    (_, orders, bytes_per_order) = sizes[0]
    assert orders == 20000 and bytes_per_order == 410
    # The page's sentence, with its numbers: "At the shop's planned 2,000 orders a day, 730,000
    # orders a year come to about 300 MB a year … ten years … in the memory of a server with 8 GB"
    text = " ".join((paths.DOCS / "phases" / "requirements.md").read_text().split())
    m = re.search(
        r"planned ([\d,]+) orders a day, ([\d,]+) orders a year come to about (\d+) MB a year "
        r"before those indexes: (\w+) years of orders would still fit in the memory of a "
        r"server with (\d+) GB",
        text,
    )
    assert m, "the sizing sentence is no longer on the page"
    per_day, per_year, mb, years, gb = m.groups()
    per_day, per_year = int(per_day.replace(",", "")), int(per_year.replace(",", ""))
    assert per_year == per_day * 365
    assert round(per_year * int(bytes_per_order) / 1e6, -2) == int(mb)  # "about", to 100 MB
    assert {"ten": 10}[years] * per_year * bytes_per_order < int(gb) * 2**30
    last, previous, percent = growth[0]
    assert percent == 40 and last > previous


def test_downtime_allowed_by_each_availability_target(new_pg_db):
    conn = new_pg_db("none")
    rows = {
        label: (year, month)
        for label, year, month in run_script(
            conn, snippet("postgres/requirements/availability.sql")
        )
    }
    assert timedelta(hours=8) < rows["99.9 %"][0] < timedelta(hours=9)  # "almost nine hours"
    assert rows["99.99 %"][0] < timedelta(hours=1)  # "under an hour"
    assert timedelta(hours=4) < rows["99.95 %"][0] < timedelta(hours=5)  # "four hours a year"


def test_read_write_counters_start_at_zero_on_the_fresh_sample(new_pg_db):
    conn = new_pg_db("sample")
    rows = run_script(conn, snippet("postgres/requirements/read-write-ratio.sql"))
    assert {"orders", "order_items", "products"} <= {r[0] for r in rows}
    assert all(r[1:] == (0, 0, None) for r in rows)
    # after a workload the query reports it
    conn.execute("SELECT count(*) FROM orders WHERE customer_id = 42").fetchall()
    conn.execute("UPDATE orders SET status = 'paid' WHERE id = 5")
    conn.execute("SELECT pg_stat_force_next_flush()")
    rows = {
        r[0]: r[1:] for r in run_script(conn, snippet("postgres/requirements/read-write-ratio.sql"))
    }
    read, written, _ = rows["orders"]
    assert read >= 20000 and written == 1


def test_one_server_process_per_connection(new_pg_db):
    conn = new_pg_db("none")
    with psycopg.connect(conn.info.dsn, autocommit=True) as other:
        pids = {conn.info.backend_pid, other.info.backend_pid}
        assert len(pids) == 2
        backends = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s) "
            "AND backend_type = 'client backend'",
            (list(pids),),
        ).fetchone()[0]
        assert backends == 2


def orders_rows_read(conn: psycopg.Connection) -> int:
    """The page's query, after the statistics of this session are flushed: orders' rows read."""
    conn.execute("SELECT pg_stat_force_next_flush()")
    rows = {
        r[0]: r[1] for r in run_script(conn, snippet("postgres/requirements/read-write-ratio.sql"))
    }
    return int(rows["orders"])


def test_the_ratio_counts_rows_so_one_report_outweighs_many_lookups(new_pg_db):
    conn = new_pg_db("sample")
    start = orders_rows_read(conn)
    conn.execute("SELECT count(*) FROM orders").fetchall()  # one report over every order
    after_report = orders_rows_read(conn)
    for order_id in range(1, 101):  # a hundred single-row look-ups
        conn.execute("SELECT status FROM orders WHERE id = %s", (order_id,)).fetchall()
    after_lookups = orders_rows_read(conn)
    assert after_report - start == 20000  # one statement
    assert after_lookups - after_report == 100  # a hundred statements
    # pg_stat_statements counts statements: the hundred look-ups are one entry, 100 calls
    calls = scalar(
        conn,
        "SELECT calls FROM pg_stat_statements WHERE query = "
        "'SELECT status FROM orders WHERE id = $1' AND dbid = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    assert calls == 100


def test_vacuum_makes_the_old_versions_reusable_without_giving_the_space_back(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/requirements/volume-grown.sql")  # the indexes, and one update round
    size = "SELECT pg_total_relation_size('orders') + pg_total_relation_size('order_items')"
    grown = scalar(conn, size)
    conn.execute("VACUUM orders, order_items")
    assert scalar(conn, size) >= grown  # not given back
    # ... but reused: a second update round fits, where the first one grew the table
    before_second = scalar(conn, size)
    conn.execute("UPDATE orders SET updated_at = updated_at + interval '1 hour'")
    fresh = scalar(conn, "SELECT pg_relation_size('orders')")
    assert scalar(conn, size) - before_second < fresh / 10


# --- how old the counters are ------------------------------------------------------------------


def test_the_counters_survive_a_clean_restart_not_a_crash(request: pytest.FixtureRequest):
    """A server of this test's own, stopped and started: the page's counters across restarts."""
    bindir = _local.postgres_bindir()
    if bindir is None:
        unavailable(request.config, "postgres", "a restart needs local binaries")
    user = service_user("postgres")
    work = make_workdir("postgres", user)
    request.addfinalizer(lambda: shutil.rmtree(work, ignore_errors=True))
    data = str(work / "data")
    run([str(bindir / "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-N"], user, work)
    # a Unix socket in the 0700 work dir only: trust reaches no one else
    argv = [str(bindir / "postgres"), "-D", data, "-c", "listen_addresses=", "-c", "fsync=off"]
    argv += ["-c", f"unix_socket_directories={work}"]

    def connect() -> psycopg.Connection:
        return psycopg.connect(host=str(work), user="postgres", dbname="postgres", autocommit=True)

    def ready() -> bool:
        try:
            connect().close()
            return True
        except psycopg.OperationalError:
            return False

    def start() -> subprocess.Popen:
        proc = spawn(argv, user, work, work / "postgres.log", death_signal=signal.SIGQUIT)
        request.addfinalizer(lambda: stop(proc, signal.SIGQUIT))
        wait_until(ready, proc, work / "postgres.log", 60)
        return proc

    def rows_read() -> tuple[int, bool]:
        """What the page's query reads for the table, and whether stats_reset is still NULL."""
        with connect() as conn:
            conn.execute("SELECT count(*) FROM orders").fetchall()  # 1,000 rows read by each
            conn.execute("SELECT pg_stat_force_next_flush()")
            rows = {
                r[0]: r[1]
                for r in run_script(conn, snippet("postgres/requirements/read-write-ratio.sql"))
            }
            never = "SELECT stats_reset IS NULL FROM pg_stat_database WHERE datname = 'postgres'"
            return int(rows["orders"]), scalar(conn, never)

    proc = start()
    with connect() as conn:
        conn.execute("CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) AS g")
    assert rows_read() == (1000, True)
    stop(proc, signal.SIGINT)  # a clean (fast) shutdown, then a start
    proc = start()
    assert rows_read() == (2000, True)  # the first 1,000 are still counted
    stop(proc, signal.SIGQUIT)  # an immediate shutdown: the start that follows is a recovery
    proc = start()
    assert rows_read() == (1000, True)  # only the read made since
    with connect() as conn:
        conn.execute("SELECT pg_stat_reset()")
    assert rows_read() == (1000, False)  # zero again, and stats_reset now says when
    stop(proc, signal.SIGINT)


# --- RPO zero: synchronous standbys ----------------------------------------------------------
# A primary and one standby of this module's own (the test changes the primary's settings):
# the standby streams as s2; s1, the other standby the page names, is never started: it is down.


@pytest.fixture(scope="module")
def s2_pair(request: pytest.FixtureRequest) -> tuple[engines.Server, engines.Server]:
    return postgres_pair(request, "s2")


def set_standby_names(admin: psycopg.Connection, writer: psycopg.Connection, names: str) -> None:
    """ALTER SYSTEM and reload; return once the writer's session has the new value."""
    admin.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{names}'")
    admin.execute("SELECT pg_reload_conf()")
    for _ in range(200):
        if scalar(writer, "SHOW synchronous_standby_names") == names:
            return
        time.sleep(0.05)
    raise AssertionError(f"synchronous_standby_names never became {names!r}")


def test_one_synchronous_standby_down_stops_every_commit_any_one_of_two_does_not(s2_pair):
    primary, _ = s2_pair
    url = primary.url("postgres")
    with (
        psycopg.connect(url, autocommit=True) as admin,
        psycopg.connect(url, autocommit=True) as writer,
    ):
        admin.execute("CREATE TABLE payments (id int PRIMARY KEY)")
        try:
            # one synchronous standby, s1, and it is down: the commit waits for it
            set_standby_names(admin, writer, "s1")
            pid = writer.info.backend_pid
            waits, commit = None, None
            # Until the checkpointer, too, has read the new setting: it decides whether commits
            # wait. Bounded by time, not attempts: an attempt that does not wait takes a few ms,
            # and ten of them once ran out before a busy checkpointer reloaded (CI, on 18.6).
            deadline = time.monotonic() + 30
            for attempt in itertools.count():
                if time.monotonic() > deadline:
                    break
                insert = f"INSERT INTO payments VALUES ({attempt + 1})"
                commit = threading.Thread(target=writer.execute, args=(insert,), daemon=True)
                commit.start()
                for _ in range(200):
                    waits = admin.execute(
                        "SELECT wait_event FROM pg_stat_activity WHERE pid = %s", (pid,)
                    ).fetchone()
                    if waits == ("SyncRep",) or not commit.is_alive():
                        break
                    time.sleep(0.05)
                if waits == ("SyncRep",):
                    break
                commit.join()
                time.sleep(0.05)
            assert waits == ("SyncRep",)  # committed locally, not acknowledged to the client
            time.sleep(0.5)
            assert commit.is_alive()
            # two named, any one of them: s2 answers for the missing s1, commits go on
            set_standby_names(admin, admin, "ANY 1 (s1, s2)")
            admin.execute("INSERT INTO payments VALUES (0)")  # the attempts count from 1
            commit.join(60)
            assert not commit.is_alive()  # the waiting commit was released too
            state = "SELECT sync_state FROM pg_stat_replication WHERE application_name = 's2'"
            assert scalar(admin, state) == "quorum"
            both = f"SELECT count(*) FROM payments WHERE id IN ({attempt + 1}, 0)"
            assert scalar(admin, both) == 2
        finally:
            admin.execute("ALTER SYSTEM RESET synchronous_standby_names")
            admin.execute("SELECT pg_reload_conf()")
