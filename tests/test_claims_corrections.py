"""Claims the pages make where they correct common advice (issue 14), asserted on the snippets
the pages show. Each test fails if the corrected statement stops being true on the engine."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import psycopg
import pytest
import redis

from playbooks.replay import replay, replay_until_error, scalar, statements, wait_for
from playbooks.sql import index_names, plan_nodes

PG_STATEMENTS = "postgres/query-optimization/statements-normalised.sql"
DRIFT = "postgres/data-modeling/identity-drift.sql"
DRIFT_FIX = "postgres/data-modeling/identity-drift-fix.sql"
PARTIAL_GENERIC = "postgres/indexing/partial-generic.sql"
TEMPLATE = "postgres/data-modeling/template.sql"
PUBLICATION = "postgres/scaling/publication-without-key.sql"
REPLICA_IDENTITY = "postgres/scaling/publication-replica-identity.sql"


def test_pg_stat_statements_keeps_the_shape_not_the_values(new_pg_db):
    # query-optimization: the values of a slow query are not in pg_stat_statements
    conn = new_pg_db()
    done = replay(conn, PG_STATEMENTS)
    [entries] = done.rows("pg_stat_statements")
    assert entries == [("SELECT count(*) FROM orders WHERE customer_id = $1", 2)]
    assert not [q for q, _ in entries if "123" in q or "124" in q]


def test_the_log_has_the_values_and_auto_explain_the_plan(new_pg_db):
    # query-optimization: "log_min_duration_statement logs the statement as run, with the values
    # of a prepared statement's parameters on a DETAIL: line; auto_explain logs the plan".
    # client_min_messages = log sends the server's LOG lines to this session as notices.
    conn = new_pg_db()
    logged: list[tuple[str, str | None]] = []
    conn.add_notice_handler(lambda d: logged.append((d.message_primary, d.message_detail)))
    conn.execute("SET client_min_messages = log")
    conn.execute("SET log_min_duration_statement = 0")
    conn.execute("SELECT count(*) FROM orders WHERE customer_id = %s", (123,))
    statement = [(m, d) for m, d in logged if "customer_id = $1" in m and m.startswith("duration:")]
    # "parameters:" on 15, "Parameters:" from 16
    assert statement and (statement[-1][1] or "").lower() == "parameters: $1 = '123'", logged
    conn.execute("SET log_min_duration_statement = -1")
    conn.execute("LOAD 'auto_explain'")
    conn.execute("SET auto_explain.log_min_duration = 0")
    logged.clear()
    conn.execute("SELECT count(*) FROM orders WHERE customer_id = %s", (124,))
    plans = [m for m, _ in logged if "Query Text:" in m]
    assert plans and "Seq Scan on orders" in plans[-1] and "customer_id = $1" in plans[-1], logged


def test_rows_loaded_with_their_ids_leave_the_identity_sequence_behind(new_pg_db):
    # data-modeling: OVERRIDING SYSTEM VALUE lets ids in, the sequence stays, the next INSERT fails
    conn = new_pg_db("schema")
    replay_until_error(conn, DRIFT, psycopg.errors.UniqueViolation)
    # setval past the largest id, as the page says, and the same INSERT succeeds
    done = replay(conn, DRIFT_FIX)
    assert done.selected()[-1] == [(3,)]


def test_copy_with_ids_needs_no_overriding_and_leaves_the_sequence_behind(new_pg_db):
    # data-modeling: COPY with the id column "does not ask for OVERRIDING"
    conn = new_pg_db("schema")
    create, *_, insert = statements(DRIFT)
    conn.execute(create)
    with conn.cursor().copy("COPY suppliers_imported (id, name) FROM STDIN") as copy:
        copy.write_row((1, "Northwind Outdoor"))
        copy.write_row((2, "Contoso Camping"))
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute(insert)
    # and an INSERT naming an id without OVERRIDING is the one thing refused
    with pytest.raises(psycopg.errors.GeneratedAlways):
        conn.execute("INSERT INTO suppliers_imported (id, name) VALUES (9, 'x')")


def test_generic_plans_use_partial_indexes_the_query_implies(new_pg_db):
    # indexing: a parameter defeats a partial index only when the predicate depends on its value
    conn = new_pg_db()
    by_user, pending = replay(conn, PARTIAL_GENERIC).plans
    assert index_names(by_user) == {"customers_user_id_idx"}
    assert index_names(pending) == {"orders_pending_customer_idx"}
    for plan in (by_user, pending):  # generic: the plan compares with $1, not with a value
        conds = [n.get("Index Cond", "") for n in plan_nodes(plan)]
        assert any("$1" in c for c in conds), conds


def test_generic_plan_cannot_use_a_partial_index_on_the_parameters_own_column(new_pg_db):
    # the other half of the rule: status = $1 against WHERE status = 'pending'
    conn = new_pg_db()
    replay(conn, PARTIAL_GENERIC, upto=6)  # the indexes, ANALYZE, force_generic_plan
    conn.execute(
        "PREPARE by_status (text) AS SELECT id FROM orders WHERE status = $1 AND customer_id = 123"
    )
    plan = conn.execute("EXPLAIN (FORMAT JSON) EXECUTE by_status('pending')").fetchone()[0][0]
    assert "orders_pending_customer_idx" not in index_names(plan["Plan"])


def test_a_trigger_kept_updated_at_misses_a_late_commit_and_every_delete(new_pg_db):
    # requirements / data-modeling: updated_at is not a reliable change marker
    conn = new_pg_db("schema")
    replay(conn, TEMPLATE)
    conn.execute("INSERT INTO suppliers (name) VALUES ('Contoso Camping'), ('Fabrikam Gear')")
    with psycopg.connect(conn.info.dsn, autocommit=True) as late:
        late.execute("BEGIN")
        late.execute("SELECT now()")  # its transaction, and its now(), start here
        late.execute("UPDATE suppliers SET status = 'archived' WHERE name = 'Contoso Camping'")
        conn.execute("UPDATE suppliers SET status = 'archived' WHERE name = 'Fabrikam Gear'")
        # the extract: everything changed so far, and the new watermark
        watermark = scalar(conn, "SELECT max(updated_at) FROM suppliers")
        late.execute("COMMIT")
    changed = conn.execute(
        "SELECT name FROM suppliers WHERE updated_at > %s", (watermark,)
    ).fetchall()
    assert changed == []  # Contoso's change, committed after the extract, is never extracted
    assert scalar(conn, "SELECT status FROM suppliers WHERE name = 'Contoso Camping'") == "archived"
    conn.execute("DELETE FROM suppliers WHERE name = 'Fabrikam Gear'")
    assert scalar(conn, "SELECT count(*) FROM suppliers WHERE updated_at > %s", (watermark,)) == 0


def test_a_published_table_without_replica_identity_refuses_updates_on_the_primary(new_pg_db):
    # checks: without a primary key, a published table's UPDATE fails on the primary itself
    conn = new_pg_db("schema")
    replay_until_error(conn, PUBLICATION, psycopg.errors.ObjectNotInPrerequisiteState)
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        conn.execute("DELETE FROM audit_log")
    conn.execute("INSERT INTO audit_log VALUES (now(), 'inserts are published and pass')")
    # each fix on the page makes the UPDATE, then the DELETE, go through
    replay(conn, REPLICA_IDENTITY)
    assert scalar(conn, "SELECT count(*) FROM audit_log") == 0
    identity = scalar(conn, "SELECT relreplident FROM pg_class WHERE relname = 'audit_log'")
    assert identity == "f"


def test_create_index_concurrently_waits_for_a_read_only_snapshot_on_another_table(new_pg_db):
    # migrations: CIC waits for every older snapshot, read-only and on any table
    conn = new_pg_db("none")
    replay(conn, "postgres/migrations/setup.sql")
    [build] = statements("postgres/migrations/create-index-concurrently.sql")
    reader = psycopg.connect(conn.info.dsn, autocommit=True)
    builder = psycopg.connect(conn.info.dsn, autocommit=True)
    try:
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT count(*) FROM accounts")  # reads another table, writes nothing
        pid = builder.info.backend_pid
        thread = threading.Thread(target=builder.execute, args=(build,))
        thread.start()
        waits = []
        for _ in range(300):
            waits = conn.execute(
                "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s", (pid,)
            ).fetchall()
            if waits == [("Lock", "virtualxid")]:
                break
            time.sleep(0.05)
        assert waits == [("Lock", "virtualxid")]  # the build waits for the reader's snapshot
        time.sleep(0.5)
        assert thread.is_alive()
        reader.execute("COMMIT")
        thread.join(timeout=60)
        assert not thread.is_alive()
        valid = (
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'payments_account_id_idx'::regclass"
        )
        assert scalar(conn, valid) is True
    finally:
        reader.close()
        builder.close()


def test_the_read_write_query_counts_index_only_scans(new_pg_db):
    # requirements: idx_tup_fetch misses index-only scans; the page's query counts them
    conn = new_pg_db()
    conn.execute("SET enable_seqscan = off")
    conn.execute("SET enable_bitmapscan = off")
    query = "SELECT id FROM orders WHERE id <= 5000"
    plan = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}").fetchone()[0][0]["Plan"]
    assert plan["Node Type"] == "Index Only Scan" and plan["Heap Fetches"] == 0
    conn.execute("SELECT pg_stat_force_next_flush()")
    fetched = "SELECT idx_tup_fetch FROM pg_stat_user_tables WHERE relname = 'orders'"
    assert scalar(conn, fetched) == 0  # the table's counter saw nothing
    [rows] = replay(conn, "postgres/requirements/read-write-ratio.sql").selected()
    read = {name: rows_read for name, rows_read, *_ in rows}
    assert read["orders"] >= 5000


def test_the_bytes_per_order_grow_with_the_indexes_and_one_update_round(new_pg_db):
    # requirements: 410 bytes per order is measured on fresh pages with primary keys only
    conn = new_pg_db()
    [[(_, _, fresh)], _] = replay(conn, "postgres/requirements/volume.sql").selected()
    [[(indexed,)], [(updated,)]] = replay(conn, "postgres/requirements/volume-grown.sql").selected()
    assert fresh < indexed < updated
    assert updated > Decimal("1.3") * fresh  # "nearly half as much again"
    assert 10 * 730_000 * updated < 8 * 2**30 / 1.8  # "about half the 8 GB server"


def test_a_one_statement_backfill_writes_more_wal_than_the_table_holds(new_pg_db):
    # migrations: the cost for replicas is WAL volume (and so lag), not a replay "in one piece"
    conn = new_pg_db("none")
    replay(conn, "postgres/migrations/setup.sql")
    conn.execute("ALTER TABLE payments ADD COLUMN note text")
    size = scalar(conn, "SELECT pg_relation_size('payments')")
    before = scalar(conn, "SELECT pg_current_wal_insert_lsn()")
    conn.execute("UPDATE payments SET note = 'migrated'")
    wal = scalar(conn, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", (before,))
    assert wal > size


@pytest.mark.parametrize(
    "change",
    [
        "ALTER TABLE payments ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY",
        "ALTER TABLE payments ADD COLUMN seq serial",
        "ALTER TABLE payments ADD COLUMN cents bigint GENERATED ALWAYS AS (amount * 100) STORED",
        "ALTER TABLE payments ALTER COLUMN small TYPE bigint",
    ],
)
def test_identity_generated_and_int_to_bigint_rewrite_the_table(new_pg_db, change):
    # migrations: these changes rewrite the table (a new file), like a volatile default
    conn = new_pg_db("none")
    replay(conn, "postgres/migrations/setup.sql")
    conn.execute("ALTER TABLE payments ADD COLUMN small integer NOT NULL DEFAULT 0")
    node = "SELECT pg_relation_filenode('payments')"
    before = scalar(conn, node)
    conn.execute(change)
    after = scalar(conn, node)
    assert after != before
    # the control: a nullable column with no default is a catalog change, the file stays
    conn.execute("ALTER TABLE payments ADD COLUMN note text")
    assert scalar(conn, node) == after


def test_dropping_or_detaching_a_partition_queues_behind_a_reader_unless_concurrently(new_pg_db):
    # scaling: not "instant": ACCESS EXCLUSIVE on the parent; DETACH … CONCURRENTLY lets reads by
    conn = new_pg_db()
    replay_until_error(conn, "postgres/scaling/partition-range.sql", psycopg.errors.CheckViolation)
    month = "SELECT count(*) FROM events_p WHERE created_at >= '2026-10-01'"
    reader = psycopg.connect(conn.info.dsn, autocommit=True)
    detacher = psycopg.connect(conn.info.dsn, autocommit=True)
    try:
        reader.execute("BEGIN")
        reader.execute(month)  # a report, still open
        conn.execute("SET lock_timeout = '200ms'")
        for change in (
            "ALTER TABLE events_p DETACH PARTITION events_p_2024_11",
            "DROP TABLE events_p_2024_11",
        ):
            with pytest.raises(psycopg.errors.LockNotAvailable):
                conn.execute(change)
        detach = "ALTER TABLE events_p DETACH PARTITION events_p_2024_11 CONCURRENTLY"
        thread = threading.Thread(target=detacher.execute, args=(detach,))
        thread.start()
        waiting = "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s"
        pid = detacher.info.backend_pid
        wait_for(lambda: scalar(conn, waiting, (pid,)) == "Lock", "the detach to wait", timeout=10)
        assert thread.is_alive()  # it waits for the reader too ...
        conn.execute(month)  # ... but a new query is not queued behind it
        conn.execute(
            "INSERT INTO events_p (id, event_type, created_at) VALUES (-1, 'probe', '2026-10-15')"
        )
        reader.execute("COMMIT")
        thread.join(timeout=60)
        assert not thread.is_alive()
        parts = "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events_p'::regclass"
        assert scalar(conn, parts) == 23
    finally:
        reader.close()
        detacher.close()


def test_redis_refuses_writes_when_full_unless_told_to_evict(redis_client):
    # scaling: the default maxmemory-policy is noeviction; a cache needs an eviction policy
    r = redis_client
    saved = {k: r.config_get(k)[k] for k in ("maxmemory", "maxmemory-policy")}
    assert saved["maxmemory-policy"] == "noeviction"
    value = "x" * 10_000
    try:
        r.config_set("maxmemory", int(r.info("memory")["used_memory"]) + 500_000)
        with pytest.raises(
            redis.exceptions.ResponseError, match="command not allowed when used memory"
        ):
            for i in range(1_000):
                r.set(f"cache:{i}", value)
        r.config_set("maxmemory-policy", "allkeys-lru")
        for i in range(1_000, 2_000):
            r.set(f"cache:{i}", value)  # old entries make room
        assert r.exists("cache:1999") and not r.exists("cache:0")
    finally:
        r.flushdb()
        for key, setting in saved.items():
            r.config_set(key, setting)
