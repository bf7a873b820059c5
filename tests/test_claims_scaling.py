"""The claims of docs/phases/scaling.md, on real engines: a streaming replica, partitioned tables,
a shard router over two databases, Redis in front of PostgreSQL, PgBouncer and SQLAlchemy's pool.

SQL snippets are replayed as the example runner runs them (EXPLAIN with FORMAT JSON added);
Python snippets are executed as the runner executes them, and the tests then use what they
define — the cache functions, the router — to check the claims around them. The cache race is
interleaved by hand, by substituting one of the snippet's own functions for the duration of a
call: no threads, no sleeps. The replica pair and PgBouncer are started once per session.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from playbooks import paths
from playbooks import replay as shared
from playbooks.engines import pgbouncer
from playbooks.engines.replica import wait_replayed
from playbooks.replay import run_python, scalar, statements
from playbooks.sql import node_types, plan_nodes

S = "postgres/scaling/"
P = "python/scaling/"


def replay(conn: Any, path: str, upto: int | None = None) -> tuple[list[dict], list]:
    """The top plan node of each EXPLAIN, and the rows of every other statement with a result."""
    done = shared.replay(conn, path, upto)
    return done.plans, done.selected()


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


def test_a_write_on_the_primary_becomes_visible_on_the_replica(primary_url, replica_url):
    with (
        psycopg.connect(primary_url, autocommit=True) as p,
        psycopg.connect(replica_url, autocommit=True) as r,
    ):
        p.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        p.execute("INSERT INTO notes VALUES (1, 'written on the primary')")
        wait_replayed(p, r)
        assert r.execute("SELECT body FROM notes").fetchall() == [("written on the primary",)]


def test_a_write_on_the_replica_is_refused(primary_url, replica_url):
    with (
        psycopg.connect(primary_url, autocommit=True) as p,
        psycopg.connect(replica_url, autocommit=True) as r,
    ):
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
    ns = run_python(P + "read_replica.py", primary_url=primary_url, replica_url=replica_url)
    assert capsys.readouterr().out.splitlines() == [
        "[(3,)]",
        "25006: cannot execute INSERT in a read-only transaction",
        "replica while paused: [(3,)]",  # the replica is behind: the old value
        "read-your-writes while paused: [(4,)]",  # so the router asked the primary
        "replica after resume: [(4,)]",
    ]
    assert ns["db"].primary.closed and ns["db"].replica.closed


def test_the_lag_queries_show_the_backlog_in_bytes(primary_url, replica_url, new_pg_db):
    lag_primary = statements(S + "replication-lag-primary.sql")[0]
    lag_standby = statements(S + "replication-lag-standby.sql")[0]
    with (
        psycopg.connect(primary_url, autocommit=True) as p,
        psycopg.connect(replica_url, autocommit=True) as r,
    ):
        p.execute("CREATE TABLE t (n int)")
        wait_replayed(p, r)
        caught_up = _until(lambda: p.execute(lag_primary).fetchone(), lambda row: row[3] == 0)
        assert caught_up[:3] == ("replica1", "streaming", "async")
        standby, received, replayed, backlog, delay = r.execute(lag_standby).fetchone()
        assert standby is True and received == replayed and backlog == 0
        assert delay.total_seconds() == 0
        r.execute("SELECT pg_wal_replay_pause()")
        try:
            p.execute("INSERT INTO t SELECT generate_series(1, 1000)")
            behind = _until(lambda: r.execute(lag_standby).fetchone(), lambda row: row[3] > 0)
            assert behind[1] != behind[2]  # received, not replayed
            lagging = _until(lambda: p.execute(lag_primary).fetchone(), lambda row: row[3] > 0)
            # replay_lag is not the backlog's age: it does not grow while replay stands still
            delay = _until(
                lambda: r.execute(lag_standby).fetchone()[4],
                lambda d: d.total_seconds() >= 0.2,
            )
            replay_lag = p.execute(lag_primary).fetchone()[4]
            assert lagging[3] > 0
            # NULL once the standby has been idle; else the lag of the last replayed commit
            assert replay_lag is None or replay_lag < delay
            assert delay.total_seconds() >= 0.2  # while the backlog's age grows on the standby
        finally:
            r.execute("SELECT pg_wal_replay_resume()")
    # in a database without a standby: no row on the primary, NULLs from the standby functions
    plain = new_pg_db("none")
    assert plain.execute(lag_primary).fetchall() == []
    assert plain.execute(lag_standby).fetchone() == (False, None, None, None, None)


def _until(fetch, ok, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if ok(value) or time.monotonic() > deadline:
            assert ok(value), value
            return value
        time.sleep(0.01)


# --- partitioning ------------------------------------------------------------------------------


def test_primary_key_must_include_the_partition_key_and_id_alone_is_not_unique(new_pg_db):
    conn = new_pg_db("none")
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="must include all partitioning"):
        replay(conn, S + "partition-pk-without-key.sql")
    conn = new_pg_db("none")
    _, results = replay(conn, S + "partition-pk.sql")
    assert [(str(p), i) for p, i, _ in results[-1]] == [("events_2025", 1), ("events_2026", 1)]


@pytest.mark.parametrize(
    "path",
    [
        "partition-range-two-months.sql",
        "partition-list-two-regions.sql",
        "partition-hash-two-remainders.sql",
    ],
)
def test_the_briefs_partitioned_tables_reject_rows_they_have_no_partition_for(new_pg_db, path):
    conn = new_pg_db("none")
    with pytest.raises(psycopg.errors.CheckViolation, match="no partition of relation"):
        replay(conn, S + path)


def test_range_partitions_accept_every_event_and_prune_at_plan_and_run_time(new_pg_db):
    conn = new_pg_db("sample")
    path = S + "partition-range.sql"
    plans, results = replay(conn, path, upto=-1)
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
    plans, results = replay(conn, S + "partition-list.sql")
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


def test_a_default_partition_holding_a_value_blocks_its_partition(new_pg_db):
    conn = new_pg_db("none")
    with pytest.raises(psycopg.errors.CheckViolation, match="default partition"):
        replay(conn, S + "partition-list-default.sql")


def test_hash_partitions_spread_evenly_prune_on_equality_and_refuse_a_default(new_pg_db):
    conn = new_pg_db("sample")
    path = S + "partition-hash.sql"
    plans, results = replay(conn, path, upto=-1)
    counts = [n for _, n in results[0]]
    assert len(counts) == 4 and sum(counts) == 5000
    assert (min(counts), max(counts)) == (1158, 1325)
    [plan] = plans
    assert len(scanned(plan)) == 1
    assert "Append" not in node_types(plan)
    with pytest.raises(psycopg.errors.InvalidTableDefinition, match="may not have a default"):
        conn.execute(statements(path)[-1])


# --- sharding ----------------------------------------------------------------------------------


def test_the_router_places_each_customer_on_one_shard_and_merges_cross_shard_queries(
    conn, shard_urls, capsys
):
    ns = run_python(P + "shard_router.py", conn=conn, shard_urls=shard_urls)
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
        bucket = {k: router.bucket(k) for k in keys}
        two = router.bucket_map
        three = two | {b: 2 for b in range(0, ns["BUCKETS"], 3)}  # every third bucket moves
        moved_buckets = sum(two[bucket[k]] != three[bucket[k]] for k in keys)
        moved_modulo = sum(k % 2 != k % 3 for k in keys)
        assert moved_buckets == sum(bucket[k] % 3 == 0 for k in keys)
        assert moved_buckets / len(keys) < 0.4 < 0.6 < moved_modulo / len(keys)
    finally:
        router.close()


def test_the_bucket_is_stable_across_processes_where_pythons_str_hash_is_not():
    # The router of the page's snippet (its imports and the included section, without the demo
    # that needs databases), asked for a bucket in two processes with differently salted hashes.
    source = (paths.SNIPPETS / P / "shard_router.py").read_text()
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
    ns = run_python(P + "cache.py", conn=conn, redis_client=redis_client)
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


def test_versioned_write_through_keeps_racing_writers_in_commit_order(cache):
    ns = cache
    conn, other, r = ns["conn"], ns["other"], ns["r"]
    # W1 commits version 2; before W1 updates the cache, W2 commits version 3 and caches it.
    original = ns["cache_if_newer"]

    def late(r_, user):
        ns["cache_if_newer"] = original
        ns["rename_user_write_through"](other, r, 7, "Second")
        return original(r_, user)

    ns["cache_if_newer"] = late
    ns["rename_user_write_through"](conn, r, 7, "First")
    assert in_db(ns, 7)["full_name"] == "Second"
    assert cached(ns, 7)["full_name"] == "Second"


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
    assert version.startswith("PgBouncer 1.18")  # the page's "this PgBouncer (1.18)"


def test_two_clients_share_one_server_connection(pgbouncer_url):
    with (
        psycopg.connect(pgbouncer_url, autocommit=True) as a,
        psycopg.connect(pgbouncer_url, autocommit=True) as b,
    ):
        pid_a = scalar(a, "SELECT pg_backend_pid()")
        pid_b = scalar(b, "SELECT pg_backend_pid()")
        assert pid_a == pid_b


def test_prepared_statements_break_in_transaction_mode_unless_switched_off(pgbouncer_url, capsys):
    run_python(P + "pgbouncer_psycopg.py", pgbouncer_url=pgbouncer_url)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == '26000: prepared statement "_pg3_0" does not exist'
    assert re.fullmatch(r"\(\d+,\)", out[1])  # the same query, with prepare_threshold=None
    assert out[2] == "another client sees statement_timeout = 5s"  # session state leaks


def test_sqlalchemy_through_pgbouncer_with_prepare_threshold_none(pgbouncer_url):
    from sqlalchemy import create_engine, make_url, text

    url = make_url(pgbouncer_url).set(drivername="postgresql+psycopg")
    engine = create_engine(url, connect_args={"prepare_threshold": None})
    backends = set()
    try:
        with psycopg.connect(pgbouncer_url, autocommit=True) as other:
            with engine.connect() as c:
                for i in range(8):
                    c.execute(text("SELECT count(*) FROM orders WHERE customer_id = :c"), {"c": i})
                    backends.add(c.execute(text("SELECT pg_backend_pid()")).scalar_one())
                    c.commit()
                    other.execute("BEGIN")  # take the idle server connection away each time
                    other.execute("SELECT 1")
                    backends.add(c.execute(text("SELECT pg_backend_pid()")).scalar_one())
                    c.commit()
                    other.execute("COMMIT")
    finally:
        engine.dispose()
    # Transaction pooling really happened: one client session, several server connections
    # (in session mode it would keep one, and prepared statements would never break).
    assert len(backends) > 1


def _pgbouncer_with(tmp_path: Path, backend, edit) -> str:
    """Start PgBouncer from an edited copy of the page's ini; the log when it refuses."""
    ini = tmp_path / "pgbouncer.ini"
    ini.write_text(edit((paths.SNIPPETS / "pgbouncer" / "pgbouncer.ini").read_text()))
    with pytest.raises(RuntimeError) as refused:
        server = pgbouncer.start(ini, backend)
        server.stop()
    return str(refused.value)


def test_the_briefs_inline_comment_stops_pgbouncer(tmp_path, postgres_server, pgbouncer_server):
    log = _pgbouncer_with(
        tmp_path,
        postgres_server,
        lambda ini: ini.replace(
            "pool_mode = transaction",
            "pool_mode = transaction  # transaction, session, or statement",
        ),
    )
    assert (
        'invalid value "transaction  # transaction, session, or statement" for parameter '
        "pool_mode" in log
    )
    assert "cannot load config file" in log


def test_pgbouncer_1_18_does_not_know_max_prepared_statements(
    tmp_path, postgres_server, pgbouncer_server
):
    log = _pgbouncer_with(
        tmp_path, postgres_server, lambda ini: ini + "max_prepared_statements = 100\n"
    )
    assert "unknown parameter: pgbouncer/max_prepared_statements" in log


def test_sqlalchemy_pool_times_out_after_pool_timeout_and_pre_ping_reconnects(pg_url, capsys, conn):
    started = time.monotonic()
    ns = run_python(P + "sqlalchemy_pool.py", pg_url=pg_url)
    out = capsys.readouterr().out.splitlines()
    assert re.match(r"waited \d\.\ds: TimeoutError: QueuePool limit of size 2 overflow 1 ", out[0])
    # it waited pool_timeout (0.2 s in the snippet), then raised: not much longer, not forever
    assert 0.2 <= ns["waited"] < 1.0
    assert out[1] == (
        "Pool size: 2  Connections in pool: 2 Current Overflow: 0 Current Checked out connections: 0"
    )
    assert out[2] == "pool_pre_ping=False: AdminShutdown"
    assert re.fullmatch(r"pool_pre_ping=True: reconnected \((\d+) -> (\d+)\)", out[3])
    assert time.monotonic() - started < 10
    # PostgreSQL's default max_connections, which the brief's pools would exceed
    assert scalar(conn, "SELECT boot_val FROM pg_settings WHERE name = 'max_connections'") == "100"


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
        assert _until(lambda: scalar(conn, backends, [database]), lambda n: n == 2) == 2
    finally:
        engine.dispose()
