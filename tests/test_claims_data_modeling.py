"""The claims of docs/phases/data-modeling.md, asserted on the snippet files the page shows.

Each snippet is replayed statement by statement, as the example runner runs it; an EXPLAIN
statement is run with FORMAT JSON added to its options, so the plan asserted here is the plan of
the very query on the page. A snippet whose last statement is the page's expected error is
replayed without it, and the test then runs that statement and asserts the error. Sizes and WAL
volumes are compared as ratios measured in the same database; nothing here is timed.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from playbooks.checklist import phases
from playbooks.replay import replay, replay_until_error, run_python, scalar, statements
from playbooks.sql import explain, index_names, node_types, plan_nodes


def another(conn: Any) -> Any:
    """A second connection (autocommit) to the database of `conn`."""
    return psycopg.connect(conn.info.dsn, autocommit=True)


def wait_until_blocked(watcher: Any, pid: int) -> None:
    """Wait until backend `pid` waits for a lock (watched from a third connection)."""
    for _ in range(500):
        state = watcher.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)
        ).fetchone()
        if state and state[0] == "Lock":
            return
        time.sleep(0.01)
    pytest.fail(f"backend {pid} never waited for a lock")


# --- the ER process --------------------------------------------------------------------------


def test_every_checklist_item_says_why_it_matters():
    (phase,) = [p for p in phases() if p.name == "data-modeling"]
    assert phase.title == "Phase 2: Data modeling"
    assert phase.checklists == [
        "Step 1: entities",
        "Step 2: attributes",
        "Step 3: relationships",
        "Step 4: constraints",
        "Checklist: model review",
    ]
    for item in phase.items:
        assert item.action and item.why, item


def test_changing_a_column_type_later_rewrites_the_table(scratch):
    conn = scratch("none")
    conn.execute("CREATE TABLE prices (id int PRIMARY KEY, price float8 NOT NULL)")
    conn.execute("INSERT INTO prices SELECT n, n * 1.1 FROM generate_series(1, 100) AS n")
    before = scalar(conn, "SELECT pg_relation_filenode('prices')")
    conn.execute("ALTER TABLE prices ALTER COLUMN price TYPE numeric(10,2)")
    assert scalar(conn, "SELECT pg_relation_filenode('prices')") != before


def test_sample_foreign_keys_and_their_delete_actions(shared_dbs):
    conn = shared_dbs("sample")
    rows = replay(conn, "postgres/data-modeling/fk-actions.sql").selected()[0]
    assert set(rows) == {
        ("categories", "categories", "RESTRICT"),
        ("customers", "users", "SET NULL"),
        ("order_items", "orders", "CASCADE"),
        ("order_items", "products", "RESTRICT"),
        ("orders", "customers", "RESTRICT"),
        ("products", "categories", "RESTRICT"),
        ("sessions", "users", "CASCADE"),
    }
    # every relationship is 1:N: each foreign key is one column
    keys = conn.execute("SELECT conkey FROM pg_constraint WHERE contype = 'f'").fetchall()
    assert all(len(k) == 1 for (k,) in keys)


def test_customer_user_link_is_optional_and_not_unique(shared_dbs):
    conn = shared_dbs("sample")
    nullable = scalar(
        conn,
        "SELECT NOT attnotnull FROM pg_attribute "
        "WHERE attrelid = 'customers'::regclass AND attname = 'user_id'",
    )
    assert nullable
    # no unique constraint or unique index leads with user_id
    unique_on_user_id = scalar(
        conn,
        "SELECT count(*) FROM pg_index WHERE indrelid = 'customers'::regclass AND indisunique "
        "AND indkey[0] = (SELECT attnum FROM pg_attribute "
        "WHERE attrelid = 'customers'::regclass AND attname = 'user_id')",
    )
    assert unique_on_user_id == 0
    # the generated data never gives a user two customers ...
    duplicates = (
        "SELECT count(*) FROM (SELECT user_id FROM customers WHERE user_id IS NOT NULL "
        "GROUP BY 1 HAVING count(*) > 1) AS d"
    )
    assert scalar(conn, duplicates) == 0
    # ... but the schema would accept it
    conn.execute("INSERT INTO customers (user_id, name, email, region) VALUES (1, 'x', 'x', 'US')")
    assert scalar(conn, duplicates) == 1


def test_sample_categories_admit_two_top_level_rows_with_one_name(new_pg_db):
    conn = new_pg_db("sample")
    done = replay_until_error(
        conn, "postgres/data-modeling/categories-duplicate-root.sql", psycopg.errors.UniqueViolation
    )
    (rows,) = done.selected()
    assert [(parent, name) for _, parent, name in rows] == [(None, "Clothing")] * 2
    # the sample schema's constraint is a plain UNIQUE: NULLs distinct
    assert (
        scalar(
            conn,
            "SELECT i.indnullsnotdistinct FROM pg_constraint AS c JOIN pg_index AS i "
            "ON i.indexrelid = c.conindid WHERE c.conname = 'categories_parent_id_name_key'",
        )
        is False
    )
    # under a parent the same constraint refuses the duplicate (the page's last statement)
    assert (
        scalar(conn, "SELECT count(*) FROM categories WHERE parent_id = 25 AND name = 'Kids'") == 1
    )


# --- referential actions ---------------------------------------------------------------------


def test_cascade_deletes_the_order_lines(new_pg_db):
    conn = new_pg_db("sample")
    before, after = replay(conn, "postgres/data-modeling/fk-cascade.sql").selected()
    assert before[0][0] > 0 and after[0][0] == 0
    assert scalar(conn, "SELECT count(*) FROM orders WHERE id = 1") == 0


def test_set_null_keeps_the_customer_and_its_orders(new_pg_db):
    conn = new_pg_db("sample")
    before, after = replay(conn, "postgres/data-modeling/fk-set-null.sql").selected()
    (customer, user_id, orders, sessions) = before[0]
    assert (customer, user_id) == (1, 1) and orders > 0 and sessions > 0
    assert after[0] == (1, None, orders, 0)  # unattached, same orders, sessions cascaded away
    assert scalar(conn, "SELECT count(*) FROM users WHERE id = 1") == 0


def restrict_error(conn: Any) -> type[psycopg.Error]:
    """The error a RESTRICT key raises: its own SQLSTATE (23001) from PostgreSQL 18 on, the
    foreign-key violation (23503) of any foreign key on 15 and 17."""
    if conn.info.server_version // 10000 >= 18:
        assert psycopg.errors.RestrictViolation.sqlstate == "23001"
        return psycopg.errors.RestrictViolation
    assert conn.info.server_version // 10000 in (15, 17)
    assert psycopg.errors.ForeignKeyViolation.sqlstate == "23503"
    return psycopg.errors.ForeignKeyViolation


def test_restrict_refuses_to_delete_a_customer_with_orders(new_pg_db):
    conn = new_pg_db("sample")
    assert scalar(conn, "SELECT count(*) FROM orders WHERE customer_id = 1261") == 0
    done = replay_until_error(conn, "postgres/data-modeling/fk-restrict.sql", restrict_error(conn))
    assert scalar(conn, "SELECT count(*) FROM customers WHERE id = 1261") == 0  # it went
    orders = done.selected()[0][0][0]
    assert orders == 15
    assert scalar(conn, "SELECT count(*) FROM orders WHERE customer_id = 2") == orders
    assert scalar(conn, "SELECT count(*) FROM customers WHERE id = 2") == 1


def test_a_cascade_runs_through_several_tables(scratch):
    conn = scratch("none")
    conn.execute("CREATE TABLE a (id int PRIMARY KEY)")
    conn.execute("CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE)")
    conn.execute("CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b ON DELETE CASCADE)")
    conn.execute("INSERT INTO a VALUES (1)")
    conn.execute("INSERT INTO b VALUES (10, 1), (11, 1)")
    conn.execute("INSERT INTO c VALUES (100, 10), (101, 11)")
    conn.execute("DELETE FROM a WHERE id = 1")
    assert scalar(conn, "SELECT (SELECT count(*) FROM b) + (SELECT count(*) FROM c)") == 0


def test_set_null_on_a_not_null_column_fails_only_at_delete(scratch):
    conn = scratch("none")
    replay_until_error(
        conn, "postgres/data-modeling/fk-set-null-not-null.sql", psycopg.errors.NotNullViolation
    )
    # a parent without children goes
    conn.execute("INSERT INTO carriers VALUES (2, 'Nobody ships with us')")
    conn.execute("DELETE FROM carriers WHERE id = 2")
    # the table and its foreign key were created without complaint
    assert (
        scalar(conn, "SELECT confdeltype FROM pg_constraint WHERE conname LIKE 'shipments_%_fkey'")
        == "n"
    )


def test_deferred_no_action_checks_at_commit_restrict_at_once(scratch):
    conn = scratch("none")
    done = replay_until_error(conn, "postgres/data-modeling/fk-no-action.sql", restrict_error(conn))
    assert done.selected()[0] == [(1, "European Union")]
    conn.execute("ROLLBACK")
    # the RESTRICT key was declared deferrable too: the check still came at the DELETE
    assert conn.execute(
        "SELECT confdeltype, condeferrable, condeferred FROM pg_constraint "
        "WHERE conname = 'warehouses_region_fkey'"
    ).fetchone() == ("r", True, True)


def test_no_action_checks_at_the_end_of_the_statement_restrict_at_once(scratch):
    conn = scratch("none")
    conn.execute("CREATE TABLE regions (code text PRIMARY KEY, name text NOT NULL)")
    conn.execute("CREATE TABLE a (id int PRIMARY KEY, region text REFERENCES regions)")
    conn.execute(
        "CREATE TABLE b (id int PRIMARY KEY, region text REFERENCES regions ON DELETE RESTRICT)"
    )
    conn.execute("INSERT INTO regions VALUES ('EU', 'Europe'), ('US', 'United States')")
    conn.execute("INSERT INTO a VALUES (1, 'EU')")
    conn.execute("INSERT INTO b VALUES (1, 'US')")
    replace = (
        "WITH d AS (DELETE FROM regions WHERE code = %s RETURNING code) "
        "INSERT INTO regions SELECT code, 'renamed' FROM d"
    )
    conn.execute(replace, ("EU",))  # NO ACTION: by the end of the statement the key exists again
    with pytest.raises(restrict_error(conn)):
        conn.execute(replace, ("US",))  # RESTRICT: refused at the delete


# --- normalization ---------------------------------------------------------------------------


def test_1nf_violation_rename_corrupts_another_product(scratch):
    conn = scratch("none")
    (rows,) = replay(conn, "postgres/data-modeling/nf1-violation.sql").selected()
    assert dict(rows)[2] == "Gadget Mini Pro, Gizmo"  # "Gadget Pro" is gone


def test_1nf_decomposed_rename_changes_one_row(scratch):
    conn = scratch("none")
    path = "postgres/data-modeling/nf1-decomposed.sql"
    replay(conn, path, upto=2)
    (update,) = [s for s in statements(path) if s.startswith("UPDATE")]
    assert conn.execute(update).rowcount == 1
    products = {p for _, p in conn.execute("SELECT * FROM order_products").fetchall()}
    assert "Gadget Pro" in products and "Gadget" not in products


def test_array_elements_cannot_be_foreign_keys(scratch):
    conn = scratch("none")
    replay_until_error(
        conn, "postgres/data-modeling/nf1-array-fk.sql", psycopg.errors.DatatypeMismatch
    )


def test_2nf_violation_one_product_two_names(scratch):
    conn = scratch("none")
    path = "postgres/data-modeling/nf2-violation.sql"
    create, insert, update, late_insert, select = statements(path)
    conn.execute(create)
    conn.execute(insert)
    assert conn.execute(update).rowcount == 2  # one fact, two rows
    conn.execute(late_insert)
    rows = conn.execute(select).fetchall()
    assert dict(rows)[10] == "Trail Jacket / Trail Jacket II"


def test_2nf_decomposed_one_name_per_product(scratch):
    conn = scratch("none")
    (rows,) = replay(conn, "postgres/data-modeling/nf2-decomposed.sql").selected()
    assert dict(rows) == {10: "Trail Jacket II", 11: "Rain Cover"}


def test_3nf_violation_delete_loses_the_customer_decomposed_keeps_it(scratch):
    wide = scratch("none")
    assert replay(wide, "postgres/data-modeling/nf3-violation.sql").selected() == [[(0,)]]
    split = scratch("none")
    assert replay(split, "postgres/data-modeling/nf3-decomposed.sql").selected() == [[(1,)]]


def test_bcnf_violation_cannot_record_a_manager_without_customer(scratch):
    conn = scratch("none")
    replay_until_error(
        conn, "postgres/data-modeling/bcnf-violation.sql", psycopg.errors.NotNullViolation
    )
    # and the wide table does not enforce manager -> product_line: Mia can get a second line
    conn.execute("INSERT INTO account_managers_wide VALUES (3, 'Books', 'Mia')")
    lines = scalar(
        conn, "SELECT count(DISTINCT product_line) FROM account_managers_wide WHERE manager = 'Mia'"
    )
    assert lines == 2


def test_bcnf_decomposed_records_the_manager(scratch):
    conn = scratch("none")
    (rows,) = replay(conn, "postgres/data-modeling/bcnf-decomposed.sql").selected()
    assert ("Noah", "Electronics") in rows
    with pytest.raises(psycopg.errors.UniqueViolation):  # one product line per manager
        conn.execute("INSERT INTO managers VALUES ('Mia', 'Books')")


def test_bcnf_split_loses_one_manager_per_line(scratch):
    conn = scratch("none")
    (rows,) = replay(conn, "postgres/data-modeling/bcnf-lost-dependency.sql").selected()
    assert rows == [(1, "Outdoor", 2)]


def test_composite_foreign_key_keeps_both_rules(scratch):
    conn = scratch("none")
    replay_until_error(
        conn, "postgres/data-modeling/bcnf-keep-dependency.sql", psycopg.errors.UniqueViolation
    )
    # the copied product_line cannot disagree with the manager's
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("INSERT INTO customer_managers VALUES (2, 'Mia', 'Books')")
    # and a change of the manager's line follows into the copy
    conn.execute("UPDATE managers SET product_line = 'Garden' WHERE manager = 'Mia'")
    assert scalar(conn, "SELECT product_line FROM customer_managers WHERE manager = 'Mia'") == (
        "Garden"
    )


# --- denormalization -------------------------------------------------------------------------


def test_materialized_view_is_stale_until_refreshed(new_pg_db):
    conn = new_pg_db("sample")
    first, after_insert, refreshed = replay(
        conn, "postgres/data-modeling/mv-daily-sales.sql"
    ).selected()
    assert after_insert == first
    (day, orders, revenue) = first[0]
    assert refreshed == [(day, orders + 1, revenue + 100)]
    # CONCURRENTLY works only while the unique index is there
    conn.execute("DROP INDEX daily_sales_day_key")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        conn.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales")


def test_plain_refresh_blocks_readers_concurrent_refresh_does_not(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/data-modeling/mv-daily-sales.sql")
    with another(conn) as reader:
        reader.execute("SET lock_timeout = '200ms'")
        conn.execute("BEGIN")
        conn.execute("REFRESH MATERIALIZED VIEW daily_sales")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            reader.execute("SELECT count(*) FROM daily_sales")
        conn.execute("COMMIT")
        conn.execute("BEGIN")
        conn.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales")
        assert reader.execute("SELECT count(*) FROM daily_sales").fetchone()[0] > 700
        conn.execute("COMMIT")


def test_now_is_the_transaction_start(scratch):
    conn = scratch("none")
    conn.execute("BEGIN")
    first = scalar(conn, "SELECT now()")
    time.sleep(0.01)
    assert scalar(conn, "SELECT now()") == first
    assert scalar(conn, "SELECT clock_timestamp()") > first
    conn.execute("COMMIT")


def test_summary_table_is_stale_until_refreshed_and_misses_late_commits(new_pg_db):
    conn = new_pg_db("sample")
    path = "postgres/data-modeling/summary-table.sql"
    stale, fresh = replay(conn, path).selected()
    (customer, orders, spent) = stale[0]
    assert fresh == [(customer, orders + 1, spent + 100)]
    assert (orders, spent) == conn.execute(
        "SELECT count(*) - 1, sum(total) - 100 FROM orders WHERE customer_id = %s", (customer,)
    ).fetchone()
    # the refresh is idempotent: running it again changes nothing
    refresh = [s for s in statements(path) if "ON CONFLICT" in s or s.startswith("UPDATE")]
    everything = "SELECT * FROM customer_order_stats ORDER BY customer_id"
    snapshot = conn.execute(everything).fetchall()
    conn.execute("UPDATE summary_watermarks SET up_to = '2026-10-01 00:00:00+00'")
    for s in refresh:
        conn.execute(s)
    assert conn.execute(everything).fetchall() == snapshot
    # the watermark misses a transaction that stamps its row before the refresh and commits after
    refresh = [s for s in statements(path) if "ON CONFLICT" in s or s.startswith("UPDATE")]
    assert len(refresh) == 2

    def stats(customer: int) -> int:
        return scalar(
            conn, "SELECT orders FROM customer_order_stats WHERE customer_id = %s", (customer,)
        )

    before5, before6 = stats(5), stats(6)
    insert = (
        "INSERT INTO orders (customer_id, status, total, created_at, updated_at) "
        "VALUES (%s, 'paid', 10, %s, %s)"
    )
    with another(conn) as late:
        late.execute("BEGIN")  # stamps its row first ...
        late.execute(insert, (5, "2026-11-02 10:00:00+00", "2026-11-02 10:00:00+00"))
        conn.execute(insert, (6, "2026-11-02 10:05:00+00", "2026-11-02 10:05:00+00"))
        for s in refresh:
            conn.execute(s)
        late.execute("COMMIT")  # ... and commits after the refresh moved the watermark past it
    for s in refresh:
        conn.execute(s)
    assert stats(6) == before6 + 1
    assert stats(5) == before5  # missed for good
    assert scalar(conn, "SELECT count(*) FROM orders WHERE customer_id = 5") == before5 + 1
    # a watermark a safety margin behind picks it up at the next run
    conn.execute("UPDATE summary_watermarks SET up_to = up_to - interval '10 minutes'")
    for s in refresh:
        conn.execute(s)
    assert stats(5) == before5 + 1


def test_embedded_document_keeps_the_old_name(new_pg_db):
    conn = new_pg_db("sample")
    old_name = scalar(conn, "SELECT name FROM products WHERE id = 122")
    document, names = replay(conn, "postgres/data-modeling/embedded-document.sql").selected()
    assert document[0][1] == scalar(conn, "SELECT count(*) FROM order_items WHERE order_id = 20000")
    assert names == [(old_name, "Tidewater Classic Sports Watch")]


def test_cached_total_goes_stale_without_a_trigger(new_pg_db):
    conn = new_pg_db("sample")
    consistent, after = replay(conn, "postgres/data-modeling/cached-total.sql").selected()
    assert consistent == [(0,)]
    total, lines = after[0]
    assert total != lines


RECOMPUTE = """
CREATE OR REPLACE FUNCTION order_items_maintain_total() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders
    SET total = (SELECT coalesce(sum(quantity * unit_price), 0)
                 FROM order_items WHERE order_id = NEW.order_id)
    WHERE id = NEW.order_id;
    RETURN NULL;
END;
$$
"""


def _two_concurrent_lines(conn: Any, first: int, second_line: int) -> tuple[Any, Any]:
    """Two transactions add a line to order 20000 at once; the total and the sum of lines."""
    add = (
        "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) "
        "SELECT 20000, %s, id, 1, price FROM products WHERE id = %s"
    )
    with another(conn) as second, another(conn) as watcher:
        conn.execute("BEGIN")
        conn.execute(add, (first, 7))
        worker = threading.Thread(target=second.execute, args=(add, (second_line, 14)))
        worker.start()
        wait_until_blocked(watcher, second.info.backend_pid)
        conn.execute("COMMIT")
        worker.join(timeout=10)
        assert not worker.is_alive()
    return conn.execute(
        "SELECT total, (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = 20000) "
        "FROM orders WHERE id = 20000"
    ).fetchone()


def test_delta_trigger_keeps_the_total_also_under_concurrency(new_pg_db):
    conn = new_pg_db("sample")
    (rows,) = replay(conn, "postgres/data-modeling/cached-total-trigger.sql").selected()
    total, lines = rows[0]
    assert total == lines
    # every order stays consistent, not only the one the page shows
    stale = (
        "SELECT count(*) FROM orders AS o WHERE o.total <> coalesce("
        "(SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = o.id), 0)"
    )
    assert scalar(conn, stale) == 0
    total, lines = _two_concurrent_lines(conn, 4, 5)
    assert total == lines


def test_recomputing_trigger_loses_a_concurrent_line(new_pg_db):
    conn = new_pg_db("sample")
    replay(
        conn, "postgres/data-modeling/cached-total-trigger.sql", upto=2
    )  # the function and the trigger
    conn.execute(RECOMPUTE)
    total, lines = _two_concurrent_lines(conn, 3, 4)
    assert total < lines


def test_delta_trigger_fails_with_40001_above_read_committed(new_pg_db, capsys):
    conn = new_pg_db("sample")
    run_python("postgres/data-modeling/delta-trigger-isolation.py", conn=conn)
    assert capsys.readouterr().out.splitlines() == [
        "READ COMMITTED: the second committed",
        "REPEATABLE READ: the second failed: could not serialize access due to concurrent "
        "update (40001)",
        "SERIALIZABLE: the second failed: could not serialize access due to concurrent "
        "update (40001)",
        "the total equals the sum of the lines after each: True",
    ]
    # both READ COMMITTED lines are in; above it, the first's line only: the second rolled back
    lines = "SELECT array_agg(line_no ORDER BY line_no) FROM order_items WHERE order_id = 20000"
    assert [n for n in scalar(conn, lines) if n >= 10] == [10, 11, 20, 30]


def _second_waits(conn: Any, isolation: str, first_line: int) -> Exception | None:
    """The second transaction (at `isolation`) adds a line to order 20000 while the first,
    which added one too, is still open; it waits for the first's COMMIT. What it raised."""
    add = (
        "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) "
        "SELECT 20000, %s, id, 1, price FROM products WHERE id = %s"
    )
    raised: list[Exception] = []

    def second_writer(second: Any) -> None:
        try:
            second.execute(add, (first_line + 1, 14))
            second.execute("COMMIT")
        except psycopg.Error as e:
            raised.append(e)
            second.execute("ROLLBACK")

    with another(conn) as first, another(conn) as second, another(conn) as watcher:
        first.execute(f"BEGIN ISOLATION LEVEL {isolation}")
        second.execute(f"BEGIN ISOLATION LEVEL {isolation}")
        second.execute("SELECT 1")  # its snapshot, taken before the first commits
        first.execute(add, (first_line, 7))
        worker = threading.Thread(target=second_writer, args=(second,))
        worker.start()
        wait_until_blocked(watcher, second.info.backend_pid)
        first.execute("COMMIT")
        worker.join(timeout=10)
        assert not worker.is_alive()
        if raised:  # the application's retry: the whole transaction again, on a new snapshot
            second.execute(f"BEGIN ISOLATION LEVEL {isolation}")
            second.execute(add, (first_line + 1, 14))
            second.execute("COMMIT")
    return raised[0] if raised else None


TOTAL_RIGHT = (
    "SELECT total = (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = 20000) "
    "FROM orders WHERE id = 20000"
)


@pytest.mark.parametrize("isolation", ["REPEATABLE READ", "SERIALIZABLE"])
def test_delta_trigger_waits_then_fails_and_the_retry_commits(new_pg_db, isolation):
    conn = new_pg_db("sample")
    replay(conn, "postgres/data-modeling/cached-total-trigger.sql")
    error = _second_waits(conn, isolation, 40)
    assert isinstance(error, psycopg.errors.SerializationFailure)
    assert error.sqlstate == "40001"
    assert (
        scalar(conn, "SELECT count(*) FROM order_items WHERE order_id = 20000 AND line_no >= 40")
        == 2
    )
    assert scalar(conn, TOTAL_RIGHT)
    # the control: at READ COMMITTED the same wait ends in a commit, no retry needed
    assert _second_waits(conn, "READ COMMITTED", 50) is None
    assert scalar(conn, TOTAL_RIGHT)


@pytest.mark.parametrize("isolation", ["REPEATABLE READ", "SERIALIZABLE"])
def test_recomputing_trigger_fails_too_above_read_committed_instead_of_losing_a_line(
    new_pg_db, isolation
):
    conn = new_pg_db("sample")
    replay(
        conn, "postgres/data-modeling/cached-total-trigger.sql", upto=2
    )  # the function and the trigger
    conn.execute(RECOMPUTE)
    error = _second_waits(conn, isolation, 40)
    assert isinstance(error, psycopg.errors.SerializationFailure)
    assert scalar(conn, TOTAL_RIGHT)


def test_generated_column_is_row_local(new_pg_db):
    conn = new_pg_db("sample")
    done = replay_until_error(
        conn, "postgres/data-modeling/generated-column.sql", psycopg.errors.FeatureNotSupported
    )
    for _, quantity, unit_price, line_total in done.selected()[0]:
        assert line_total == quantity * unit_price
    # it cannot go stale: an update of its inputs recomputes it
    conn.execute("UPDATE order_items SET quantity = 9 WHERE order_id = 20000 AND line_no = 1")
    assert scalar(
        conn,
        "SELECT line_total = 9 * unit_price FROM order_items WHERE order_id = 20000 AND line_no = 1",
    )


# --- the standard table ----------------------------------------------------------------------


def test_brief_template_trigger_and_uuid_key_do_not_run(scratch):
    conn = scratch("schema")
    replay_until_error(
        conn,
        "postgres/data-modeling/template-undefined-trigger.sql",
        psycopg.errors.UndefinedFunction,
    )
    conn = scratch("schema")
    replay_until_error(
        conn, "postgres/data-modeling/template-uuid-fk.sql", psycopg.errors.DatatypeMismatch
    )
    assert (
        scalar(
            conn,
            "SELECT format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = 'users'::regclass AND attname = 'id'",
        )
        == "bigint"
    )


def test_template_trigger_and_optimistic_locking(scratch):
    conn = scratch("schema")
    first, second, final = replay(conn, "postgres/data-modeling/template.sql").selected()
    assert first == [(2, True)]  # version bumped, updated_at moved by the trigger
    assert second == []  # the writer holding version 1 changed nothing
    assert final == [("Northwind Outdoor", "inactive", 2)]
    # an update that changes nothing leaves updated_at alone
    stamp = scalar(conn, "SELECT updated_at FROM suppliers WHERE id = 1")
    conn.execute("UPDATE suppliers SET status = status WHERE id = 1")
    assert scalar(conn, "SELECT updated_at FROM suppliers WHERE id = 1") == stamp
    conn.execute("UPDATE suppliers SET status = 'active' WHERE id = 1")
    assert scalar(conn, "SELECT updated_at FROM suppliers WHERE id = 1") > stamp


def test_identity_always_refuses_an_explicit_id(scratch):
    conn = scratch("schema")
    replay(conn, "postgres/data-modeling/template.sql")
    with pytest.raises(psycopg.errors.GeneratedAlways):
        conn.execute("INSERT INTO suppliers (id, name) VALUES (99, 'Explicit')")
    conn.execute("INSERT INTO suppliers (id, name) OVERRIDING SYSTEM VALUE VALUES (99, 'Explicit')")


def test_nulls_not_distinct_refuses_a_second_top_level_name(scratch):
    conn = scratch("schema")
    replay(conn, "postgres/data-modeling/template.sql")
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("INSERT INTO suppliers (name) VALUES ('Northwind Outdoor')")
    # the brief's plain UNIQUE (parent_id, name) lets it in
    conn.execute(
        "ALTER TABLE suppliers DROP CONSTRAINT suppliers_parent_id_name_key, "
        "ADD UNIQUE (parent_id, name)"
    )
    conn.execute("INSERT INTO suppliers (name) VALUES ('Northwind Outdoor')")


def test_created_by_without_action_blocks_deleting_the_user(new_pg_db):
    conn = new_pg_db("sample")
    replay(
        conn, "postgres/data-modeling/template.sql", upto=3
    )  # the function, the table, the trigger
    conn.execute("INSERT INTO suppliers (name, created_by) VALUES ('Set null', 8)")
    conn.execute("DELETE FROM users WHERE id = 8")
    assert scalar(conn, "SELECT created_by FROM suppliers WHERE name = 'Set null'") is None
    conn.execute(
        "CREATE TABLE brief_like (id bigint PRIMARY KEY, created_by bigint REFERENCES users (id))"
    )
    conn.execute("INSERT INTO brief_like VALUES (1, 16)")
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("DELETE FROM users WHERE id = 16")


# --- soft delete -----------------------------------------------------------------------------


def test_soft_delete_partial_index_serves_the_live_row_query(new_pg_db):
    conn = new_pg_db("sample")
    done = replay_until_error(
        conn, "postgres/data-modeling/soft-delete.sql", psycopg.errors.UniqueViolation
    )
    live, any_row = done.plans
    assert index_names(live) == {"users_email_live_key"}
    assert node_types(any_row) == ["Seq Scan"]
    # the deleted account and its successor share the address
    assert [deleted for _, deleted in done.selected()[0]] == [True, False]


def test_brief_soft_delete_index_adds_nothing(new_pg_db):
    conn = new_pg_db("sample")
    listing, by_key = replay(conn, "postgres/data-modeling/soft-delete-key-index.sql").plans
    assert node_types(listing) == ["Seq Scan"]
    assert index_names(by_key) == {"idx_users_not_deleted"}
    live = scalar(conn, "SELECT avg((deleted_at IS NULL)::int) FROM users")
    assert 0.97 < live < 0.99  # "98 % of the table"
    # same number of pages, 2 % fewer entries: a slightly lower estimated cost
    pages, entries = conn.execute(
        "SELECT p.relpages = k.relpages, p.reltuples / k.reltuples FROM pg_class AS p, pg_class AS k "
        "WHERE p.relname = 'idx_users_not_deleted' AND k.relname = 'users_pkey'"
    ).fetchone()
    assert pages and 0.97 < entries < 0.99
    conn.execute("DROP INDEX idx_users_not_deleted")
    query = statements("postgres/data-modeling/soft-delete-key-index.sql")[-1].removeprefix(
        "EXPLAIN (COSTS OFF) "
    )
    assert index_names(explain(conn, query)) == {"users_pkey"}


# --- temporal history ------------------------------------------------------------------------


def test_history_periods_cannot_overlap(new_pg_db):
    conn = new_pg_db("sample")
    done = replay_until_error(
        conn, "postgres/data-modeling/temporal.sql", psycopg.errors.ExclusionViolation
    )
    history, as_of = done.selected()
    assert history == [
        (history[0][0], False),
        (history[1][0], False),
        (history[2][0], True),
    ]
    assert [h[0] for h in history][1:] == [Decimal("169.99"), Decimal("179.99")]
    assert as_of == [(history[0][0],)]
    # the closed periods meet their successors exactly: half-open ranges, no overlap, no gap
    gaps = conn.execute(
        "SELECT valid_to = lead(valid_from) OVER (ORDER BY valid_from) FROM product_price_history "
        "WHERE product_id = 1 ORDER BY valid_from"
    ).fetchall()
    assert [g for (g,) in gaps] == [True, True, None]
    # an adjacent period is accepted, an overlapping one is not
    conn.execute("UPDATE product_price_history SET valid_to = '2025-01-01' WHERE product_id = 2")
    conn.execute(
        "INSERT INTO product_price_history (product_id, price, valid_from) "
        "VALUES (2, 1.00, '2025-01-01')"
    )
    with pytest.raises(psycopg.errors.ExclusionViolation):
        conn.execute(
            "INSERT INTO product_price_history (product_id, price, valid_from, valid_to) "
            "VALUES (2, 2.00, '2024-12-31', '2025-01-02')"
        )


def test_exclusion_on_equality_needs_btree_gist(new_pg_db):
    conn = new_pg_db("none")
    replay_until_error(
        conn, "postgres/data-modeling/temporal-needs-btree-gist.sql", psycopg.errors.UndefinedObject
    )
    with pytest.raises(psycopg.errors.UndefinedObject):  # bigint alike
        conn.execute(
            "CREATE TABLE h (id bigint, during tstzrange, EXCLUDE USING gist (id WITH =, during WITH &&))"
        )
    conn.execute("CREATE EXTENSION btree_gist")
    conn.execute(statements("postgres/data-modeling/temporal-needs-btree-gist.sql")[-1])


# --- junction table --------------------------------------------------------------------------


def test_junction_key_serves_one_direction_only(shared_dbs):
    conn = shared_dbs("sample")
    by_store, by_product, with_index = replay(conn, "postgres/data-modeling/junction.sql").plans
    assert index_names(by_store) == {"store_stock_pkey"}
    assert node_types(by_product) == ["Seq Scan"]
    assert index_names(with_index) == {"store_stock_product_id_idx"}
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("INSERT INTO store_stock (store_id, product_id, quantity) VALUES (1, 2, 5)")


# --- hierarchies -----------------------------------------------------------------------------


def _tree_answers(conn: Any) -> dict[str, dict[int, set[int]]]:
    """Subtree and ancestors of every category, by recursive query, ltree and closure table."""
    truth_sub = dict(
        conn.execute(
            "WITH RECURSIVE t (root, id) AS (SELECT id, id FROM categories UNION ALL "
            "SELECT t.root, c.id FROM categories c JOIN t ON c.parent_id = t.id) "
            "SELECT root, array_agg(id) FROM t GROUP BY root"
        ).fetchall()
    )
    ltree_sub = dict(
        conn.execute(
            "SELECT a.id, array_agg(d.id) FROM categories a JOIN categories d "
            "ON d.path <@ a.path GROUP BY a.id"
        ).fetchall()
    )
    closure_sub = dict(
        conn.execute(
            "SELECT ancestor_id, array_agg(descendant_id) FROM category_closure GROUP BY 1"
        ).fetchall()
    )
    ltree_anc = dict(
        conn.execute(
            "SELECT d.id, array_agg(a.id) FROM categories d JOIN categories a "
            "ON a.path @> d.path GROUP BY d.id"
        ).fetchall()
    )
    closure_anc = dict(
        conn.execute(
            "SELECT descendant_id, array_agg(ancestor_id) FROM category_closure GROUP BY 1"
        ).fetchall()
    )
    truth_anc: dict[int, set[int]] = {}
    for root, ids in truth_sub.items():
        for i in ids:
            truth_anc.setdefault(i, set()).add(root)

    def sets(d: dict) -> dict[int, set[int]]:
        return {k: set(v) for k, v in d.items()}

    return {
        "truth_sub": sets(truth_sub),
        "ltree_sub": sets(ltree_sub),
        "closure_sub": sets(closure_sub),
        "truth_anc": truth_anc,
        "ltree_anc": sets(ltree_anc),
        "closure_anc": sets(closure_anc),
    }


def test_ltree_and_closure_table_give_the_same_answers(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/data-modeling/hierarchy-ltree.sql")
    closure = statements("postgres/data-modeling/hierarchy-closure.sql")
    (trigger_at,) = [i for i, s in enumerate(closure) if s.startswith("CREATE TRIGGER")]
    replay(
        conn, "postgres/data-modeling/hierarchy-closure.sql", upto=trigger_at + 1
    )  # without its own insert
    # new categories through both triggers: a leaf under the new one, a second root
    conn.execute(
        "INSERT INTO categories (parent_id, name) "
        "SELECT id, 'Kids Ponchos' FROM categories WHERE name = 'Rain Jackets'"
    )
    conn.execute("INSERT INTO categories (parent_id, name) VALUES (NULL, 'Garden')")
    conn.execute(
        "INSERT INTO categories (parent_id, name) "
        "SELECT id, 'Tools' FROM categories WHERE name = 'Garden'"
    )
    answers = _tree_answers(conn)
    assert len(answers["truth_sub"]) == 61
    assert answers["ltree_sub"] == answers["closure_sub"] == answers["truth_sub"]
    assert answers["ltree_anc"] == answers["closure_anc"] == answers["truth_anc"]
    # the closure depth is the number of levels between the two: "depth = 2" is two levels down
    mismatched = scalar(
        conn,
        "SELECT count(*) FROM category_closure AS cc "
        "JOIN categories AS a ON a.id = cc.ancestor_id "
        "JOIN categories AS d ON d.id = cc.descendant_id "
        "WHERE cc.depth <> nlevel(d.path) - nlevel(a.path)",
    )
    assert mismatched == 0


def test_both_hierarchy_snippets_print_the_same_tree(new_pg_db):
    conn = new_pg_db("sample")
    by_path = replay(conn, "postgres/data-modeling/hierarchy-ltree.sql").selected()
    by_closure = replay(
        new_pg_db("sample"), "postgres/data-modeling/hierarchy-closure.sql"
    ).selected()
    assert [(i, n) for i, n, *_ in by_path[0]] == [(i, n) for i, n, _ in by_closure[0]]
    assert by_path[1] == by_closure[1]  # the ancestors
    categories, pairs = by_closure[2][0]
    assert categories == 58
    # one pair per node and ancestor, itself included: the sum of the depths
    assert pairs == scalar(conn, "SELECT sum(depth) FROM categories") == 150
    # <@ can use the GiST index; on 58 rows the planner reads the one-page table instead
    query = [s for s in statements("postgres/data-modeling/hierarchy-ltree.sql") if "path <@" in s][
        0
    ]
    assert "categories_path_idx" not in index_names(explain(conn, query))
    conn.execute("SET enable_seqscan = off")
    assert "categories_path_idx" in index_names(explain(conn, query))


def test_ltree_labels_refuse_hyphens_on_15_only(scratch):
    conn = scratch("none")
    if conn.info.server_version // 10000 >= 17:
        (path,) = replay(conn, "postgres/data-modeling/ltree-label.sql").results[-1][1][0]
        assert path.count("-") == 8 and path.count(".") == 1
        assert scalar(conn, "SELECT text2ltree('25.34.T-Shirts')::text") == "25.34.T-Shirts"
    else:
        replay_until_error(
            conn, "postgres/data-modeling/ltree-label.sql", psycopg.errors.SyntaxError
        )
        with pytest.raises(psycopg.errors.SyntaxError):
            conn.execute("SELECT text2ltree('25.34.T-Shirts')")
    # A space and other punctuation are refused on every version.
    for label in ("T Shirts", "T&Shirts", "T.Shirts!"):
        with pytest.raises(psycopg.errors.SyntaxError):
            conn.execute(f"SELECT text2ltree('25.34.{label}')")
    assert scalar(conn, "SELECT text2ltree('25.34.36')::text") == "25.34.36"


# --- constraints -----------------------------------------------------------------------------


def test_check_constraint_checks_new_and_existing_rows(new_pg_db):
    conn = new_pg_db("sample")
    replay_until_error(conn, "postgres/data-modeling/check.sql", psycopg.errors.CheckViolation)
    with pytest.raises(psycopg.errors.CheckViolation):  # some sessions last only two hours
        conn.execute(
            "ALTER TABLE sessions ADD CHECK (expires_at > created_at + interval '3 hours')"
        )
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        conn.execute(
            "ALTER TABLE sessions ADD CHECK (user_id IN (SELECT id FROM users WHERE is_active))"
        )


def test_domain_checks_every_column_of_its_type(new_pg_db):
    conn = new_pg_db("sample")
    replay_until_error(conn, "postgres/data-modeling/domain.sql", psycopg.errors.CheckViolation)
    assert scalar(conn, "SELECT count(*) FROM products") == 200
    # a constraint added later is checked against every column of the domain, in every table
    conn.execute("INSERT INTO supplier_offers VALUES ('Acme', 'ZZZ-0000001', 1.00)")
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("ALTER DOMAIN sku_code ADD CONSTRAINT no_zzz CHECK (VALUE NOT LIKE 'ZZZ-%')")
    # converting a column checks the rows already in it
    conn.execute("CREATE TABLE old_offers (sku text)")
    conn.execute("INSERT INTO old_offers VALUES ('SAU-0007919'), ('sau-7919')")
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("ALTER TABLE old_offers ALTER COLUMN sku TYPE sku_code")


# --- types -----------------------------------------------------------------------------------


def check_objects(conn: Any, check: str) -> list[str]:
    """The objects a `playbook check` check (its snippet file) reports on this database."""
    (sql,) = statements(f"postgres/checks/{check}.sql")
    return [row[1] for row in conn.execute(sql).fetchall()]


def test_timestamptz_is_one_instant_shown_in_the_session_time_zone(new_pg_db):
    conn = new_pg_db("none")
    utc, paris, new_york = replay(conn, "postgres/data-modeling/timestamptz-display.sql").selected()
    instant = datetime(2027, 4, 1, 7, 0, tzinfo=UTC)
    shown = [utc[0][1], paris[0][1], new_york[0][1]]
    assert all(value == instant for value in shown)  # one instant ...
    assert [v.utcoffset() for v in shown] == [  # ... shown in three zones
        timedelta(0),
        timedelta(hours=2),
        timedelta(hours=-4),
    ]
    assert new_york[0][2] is True
    # no zone is kept with the value: 8 bytes, whatever zone it was written in
    assert scalar(conn, "SELECT pg_column_size(live_at) FROM launches") == 8


def test_a_local_time_with_its_zone_follows_summer_time_a_stored_offset_does_not(new_pg_db):
    conn = new_pg_db("none")
    (rows,) = replay(conn, "postgres/data-modeling/appointment-local-time.sql").selected()
    march, april = rows
    assert march[1:] == (datetime(2027, 3, 25, 8, 0, tzinfo=UTC), datetime(2027, 3, 25, 9, 0))
    assert april[1:] == (datetime(2027, 4, 1, 7, 0, tzinfo=UTC), datetime(2027, 4, 1, 10, 0))
    # +01 was Paris's offset at booking time, and summer time begins on 28 March 2027
    offset = "SELECT (%s::timestamp AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'UTC'"
    assert scalar(conn, offset, ("2027-02-15 12:00",)) == datetime(2027, 2, 15, 11, 0)
    assert scalar(conn, offset, ("2027-03-28 01:00",)) == datetime(2027, 3, 28, 0, 0)
    assert scalar(conn, offset, ("2027-03-28 04:00",)) == datetime(2027, 3, 28, 2, 0)
    # `playbook check` lists the local time's column, and only it
    assert check_objects(conn, "timestamp-without-time-zone") == ["appointments.local_at"]


def test_zone_rules_change_an_offset_is_no_zone_and_the_spring_gap(new_pg_db):
    conn = new_pg_db("none")
    moscow, offsets, gap = replay(conn, "postgres/data-modeling/time-zone-offset.sql").selected()
    assert moscow == [
        (datetime(2013, 6, 1, 8, 0, tzinfo=UTC), datetime(2015, 6, 1, 9, 0, tzinfo=UTC))
    ]
    # UTC+04 all year from 2011 (winter included), UTC+03 from 26 October 2014
    noon = "SELECT %s::timestamp AT TIME ZONE 'Europe/Moscow'"
    for day, utc_hour in (("2012-01-15", 8), ("2014-10-25", 8), ("2014-10-27", 9)):
        at = datetime.fromisoformat(day).replace(hour=utc_hour, tzinfo=UTC)
        assert scalar(conn, noon, (f"{day} 12:00",)) == at
    # '+01' as a zone name is POSIX: west positive, so UTC-01; an interval is ISO: UTC+01
    assert offsets == [
        (datetime(2027, 4, 1, 10, 0, tzinfo=UTC), datetime(2027, 4, 1, 8, 0, tzinfo=UTC))
    ]
    # a fixed offset knows no summer time: +01:00 in April is an hour off Paris
    assert scalar(
        conn,
        "SELECT timestamp '2027-04-01 09:00' AT TIME ZONE INTERVAL '+01:00' "
        "<> timestamp '2027-04-01 09:00' AT TIME ZONE 'Europe/Paris'",
    )
    assert gap == [(datetime(2027, 3, 28, 1, 30, tzinfo=UTC),)]
    assert scalar(conn, "SELECT %s::timestamptz AT TIME ZONE 'Europe/Paris'", gap[0]) == (
        datetime(2027, 3, 28, 3, 30)
    )
    # the Debian packages read the system's time zone database
    configure = scalar(conn, "SELECT setting FROM pg_config WHERE name = 'CONFIGURE'")
    assert "--with-system-tzdata" in configure


def test_money_takes_its_format_from_lc_monetary_and_stores_no_currency(new_pg_db):
    conn = new_pg_db("none")
    locale, money, exact, arithmetic = replay(conn, "postgres/data-modeling/money.sql").selected()
    assert locale == [("C.UTF-8",)]
    assert money == [("SKU-1", "$12.35")]  # a euro price, shown in dollars, rounded
    assert exact == [("SKU-1", Decimal("12.35"), "EUR")]
    assert arithmetic == [(True, False, 0.30000000000000004)]
    # an 8-byte integer, no precision of its own, a setting any session may change
    assert scalar(conn, "SELECT typlen FROM pg_type WHERE oid = 'money'::regtype") == 8
    with pytest.raises(psycopg.errors.SyntaxError, match="type modifier is not allowed"):
        conn.execute("CREATE TABLE m (price money(12,4))")
    assert scalar(conn, "SELECT context FROM pg_settings WHERE name = 'lc_monetary'") == "user"
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("INSERT INTO prices VALUES ('SKU-2', 1.00, 'eur')")
    assert check_objects(conn, "money-columns") == ["prices_money.price"]


def test_enum_sorts_by_declaration_adds_and_renames_but_drops_no_value(scratch):
    conn = scratch("none")
    # no DROP VALUE: unknown syntax on 15; parsed, and refused, on 17 and 18
    version = conn.info.server_version // 10000
    assert version in (15, 17, 18)
    refused = {15: psycopg.errors.SyntaxError}.get(version, psycopg.errors.FeatureNotSupported)
    done = replay_until_error(conn, "postgres/data-modeling/status-enum.sql", refused)
    ordered, values = done.selected()
    assert ordered == [(2, "open"), (3, "in_progress"), (1, "closed")]  # declaration order
    alphabetical = conn.execute("SELECT id FROM tickets ORDER BY status::text").fetchall()
    assert alphabetical == [(1,), (2,), (3,)]  # closed, open, working
    assert values == [("{open,working,waiting,closed}",)]
    assert scalar(conn, "SELECT pg_column_size(status) FROM tickets WHERE id = 1") == 4
    # the new value cannot be used before the transaction that added it commits
    replay(conn, "postgres/data-modeling/status-enum-in-transaction.sql", upto=-1)
    with pytest.raises(psycopg.errors.UnsafeNewEnumValueUsage) as caught:
        conn.execute(statements("postgres/data-modeling/status-enum-in-transaction.sql")[-1])
    assert caught.value.sqlstate == "55P04"
    conn.execute("ROLLBACK")
    assert "rejected" not in scalar(conn, "SELECT enum_range(NULL::ticket_status)::text")
    with conn.transaction():
        conn.execute("ALTER TYPE ticket_status ADD VALUE 'rejected'")
    conn.execute("INSERT INTO tickets VALUES (4, 'rejected')")  # after the commit: usable
    # taking a value out: a new type, and converting the column rewrites the table
    conn.execute("CREATE TYPE ticket_status_2 AS ENUM ('open', 'working', 'closed', 'rejected')")
    before = scalar(conn, "SELECT pg_relation_filenode('tickets')")
    conn.execute(
        "ALTER TABLE tickets ALTER COLUMN status TYPE ticket_status_2 "
        "USING status::text::ticket_status_2"
    )
    assert scalar(conn, "SELECT pg_relation_filenode('tickets')") != before


def test_a_check_list_is_replaced_and_validate_refuses_a_value_still_in_use(scratch):
    conn = scratch("none")
    done = replay_until_error(
        conn, "postgres/data-modeling/status-check.sql", psycopg.errors.CheckViolation
    )
    assert done.selected() == [[(1, "closed"), (3, "in_progress"), (2, "open")]]  # as text
    # the new list holds for new rows at once; the old rows were never checked against it
    assert (
        scalar(conn, "SELECT convalidated FROM pg_constraint WHERE conname = 'tasks_status_check'")
        is False
    )
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("INSERT INTO tasks VALUES (4, 'in_progress')")
    conn.execute("INSERT INTO tasks VALUES (4, 'waiting')")
    conn.execute("UPDATE tasks SET status = 'waiting' WHERE status = 'in_progress'")
    conn.execute("ALTER TABLE tasks VALIDATE CONSTRAINT tasks_status_check")  # now it passes


def test_a_lookup_table_changes_by_rows_and_its_foreign_key_guards_removal(scratch):
    conn = scratch("none")
    (rows,) = replay(conn, "postgres/data-modeling/status-lookup.sql").selected()
    assert rows == [(2, "open"), (3, "waiting")]  # not final, in the table's order
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("DELETE FROM job_statuses WHERE status = 'waiting'")
    conn.execute("DELETE FROM job_statuses WHERE status = 'in_progress'")  # no job has it
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("INSERT INTO jobs VALUES (4, 'in_progress')")


def _estimates(rows: list[tuple]) -> dict[str, tuple[int, int]]:
    return {f: (estimated, actual) for f, estimated, actual in rows}


def test_the_planner_guesses_half_a_percent_for_a_jsonb_field(new_pg_db):
    conn = new_pg_db("none")
    before, after = replay(conn, "postgres/data-modeling/jsonb-statistics.sql").selected()
    before, after = _estimates(before), _estimates(after)
    delivered, lost = "doc->>'status' = 'delivered'", "doc->>'status' = 'lost'"
    assert before[delivered][1] == 18000 and before[lost][1] == 20
    # the column: estimated from its statistics
    for f in ("status = 'delivered'", "status = 'lost'"):
        estimated, actual = before[f]
        assert 0.9 < estimated / actual < 1.1
    # the field: 0.5 % of the table, whatever it holds
    rows = scalar(conn, "SELECT reltuples FROM pg_class WHERE relname = 'parcels'")
    assert before[delivered][0] == before[lost][0] == round(rows * 0.005) == 100
    assert before[delivered][1] / before[delivered][0] >= 100  # 180 times too few
    assert before[lost][0] / before[lost][1] >= 4  # five times too many
    # with statistics on the expression: close
    for f in (delivered, lost):
        estimated, actual = after[f]
        assert 0.9 < estimated / actual < 1.1


def test_the_plan_follows_the_guess_and_an_expression_index_gives_statistics(new_pg_db):
    conn = new_pg_db("none")
    statistics_at = [
        i
        for i, s in enumerate(statements("postgres/data-modeling/jsonb-statistics.sql"))
        if "CREATE STATISTICS" in s
    ][0]
    replay(
        conn, "postgres/data-modeling/jsonb-statistics.sql", upto=statistics_at
    )  # the table, before the statistics
    # ten scans per parcel, stored in parcel order
    conn.execute(
        "CREATE TABLE scans AS SELECT p AS parcel_id, n AS seq "
        "FROM generate_series(1, 20000) AS p, generate_series(1, 10) AS n ORDER BY p, n"
    )
    conn.execute("CREATE INDEX ON scans (parcel_id)")
    conn.execute("ANALYZE scans")
    join = (
        "SELECT count(*) FROM parcels AS p JOIN scans AS s ON s.parcel_id = p.id "
        "WHERE p.doc->>'status' = 'delivered'"
    )
    guessed = explain(conn, join, analyze=True)
    assert "Nested Loop" in node_types(guessed)
    (loop,) = [n for n in plan_nodes(guessed) if n["Node Type"] == "Nested Loop"]
    outer, inner = loop["Plans"]
    assert outer["Plan Rows"] == 100 and outer["Actual Rows"] == 18000
    assert inner["Actual Loops"] == 18000  # 100 look-ups planned, 18,000 run
    # an index on the expression: its statistics come with the next ANALYZE
    conn.execute("CREATE INDEX parcels_doc_status_idx ON parcels ((doc->>'status'))")
    conn.execute("ANALYZE parcels")
    estimated = explain(conn, "SELECT * FROM parcels WHERE doc->>'status' = 'delivered'")
    assert 0.9 < estimated["Plan Rows"] / 18000 < 1.1
    informed = explain(conn, join)
    assert "Nested Loop" not in node_types(informed)
    assert "Hash Join" in node_types(informed)


# --- primary keys ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pk_evidence(pg_databases):
    """pk-compare.sql, replayed once for the primary-key claims."""
    from playbooks.engines.readiness import connect

    name = pg_databases.create("none")
    conn = connect(pg_databases.server, name, autocommit=True)
    done = replay(conn, "postgres/data-modeling/pk-compare.sql")
    yield conn, done
    conn.close()
    pg_databases.drop(name)


def test_random_uuid_index_is_twice_the_bigint_index(pk_evidence):
    conn, done = pk_evidence
    rows = {index: (size, per_row, pages) for index, size, per_row, pages in done.selected()[-1]}
    assert list(rows) == ["pk_bigint_pkey", "pk_uuid_ordered_pkey", "pk_uuid_random_pkey"]

    def size(index: str) -> int:
        return scalar(conn, "SELECT pg_relation_size(%s::regclass)", (index,))

    assert round(size("pk_uuid_random_pkey") / size("pk_bigint_pkey"), 2) == 1.99
    assert round(size("pk_uuid_ordered_pkey") / size("pk_bigint_pkey"), 2) == 1.39
    conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
    density = dict(
        conn.execute(
            "SELECT i, avg_leaf_density FROM unnest(ARRAY['pk_bigint_pkey', "
            "'pk_uuid_ordered_pkey', 'pk_uuid_random_pkey']) AS i, pgstatindex(i)"
        ).fetchall()
    )
    assert 88 <= density["pk_bigint_pkey"] <= 91 and 88 <= density["pk_uuid_ordered_pkey"] <= 91
    assert round(density["pk_uuid_random_pkey"]) == 63


def test_random_keys_touch_most_index_pages(pk_evidence):
    conn, done = pk_evidence
    pages = {index: changed for index, _, _, changed in done.selected()[-1]}
    assert pages["pk_bigint_pkey"] <= 6 and pages["pk_uuid_ordered_pkey"] <= 6
    total = scalar(conn, "SELECT pg_relation_size('pk_uuid_random_pkey') / 8192")
    assert total == 282
    assert pages["pk_uuid_random_pkey"] / total > 0.9
    # with full_page_writes = on, each first change after a checkpoint is a full 8 kB page
    assert pages["pk_uuid_random_pkey"] * 8192 > 2e6


def test_wal_without_full_page_images(pk_evidence):
    conn, done = pk_evidence
    assert scalar(conn, "SHOW full_page_writes") == "off"  # the suite's server
    wal = {plan["Relation Name"]: plan["WAL Bytes"] for plan in done.plans}
    assert all(plan["WAL FPI"] == 0 for plan in done.plans)
    assert round(wal["pk_uuid_random"] / wal["pk_bigint"], 2) == 1.24


def test_gen_random_uuid_index_is_as_large_as_md5_keys(pk_evidence):
    conn, _ = pk_evidence
    conn.execute("CREATE TABLE pk_uuid_v4 (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n int)")
    conn.execute("INSERT INTO pk_uuid_v4 (n) SELECT n FROM generate_series(1, 51000) AS n")
    ratio = scalar(
        conn,
        "SELECT pg_relation_size('pk_uuid_v4_pkey')::float / pg_relation_size('pk_uuid_random_pkey')",
    )
    # gen_random_uuid() differs every run, and so does the split history of its index: 12 runs
    # here gave 0.95 to 1.01, one CI run 0.87. The claim is "the same kind of index", not a digit.
    assert 0.8 < ratio < 1.1


def test_only_postgres_18_has_a_time_ordered_uuid_generator(pk_evidence):
    conn, _ = pk_evidence
    found = "SELECT count(*) FROM pg_proc WHERE proname IN ('uuidv7', 'uuid_generate_v7')"
    if conn.info.server_version // 10000 >= 18:
        assert scalar(conn, found) >= 1
        assert scalar(conn, "SELECT uuid_extract_version(uuidv7())") == 7
    else:
        assert conn.info.server_version // 10000 in (15, 17)
        assert scalar(conn, found) == 0


def test_an_exclusion_constraint_takes_any_index_method_that_has_the_operator(scratch):
    """Not GiST only: hash and B-tree serve `=` (a UNIQUE by another name); BRIN cannot."""
    conn = scratch("none")
    conn.execute("CREATE TABLE codes (code text, EXCLUDE USING hash (code WITH =))")
    conn.execute("INSERT INTO codes VALUES ('a')")
    with pytest.raises(psycopg.errors.ExclusionViolation):
        conn.execute("INSERT INTO codes VALUES ('a')")
    conn.execute("CREATE TABLE slots (n int, EXCLUDE USING btree (n WITH =))")
    conn.execute("CREATE TABLE spans (r int4range, EXCLUDE USING gist (r WITH &&))")
    conn.execute("INSERT INTO spans VALUES ('[1,5)')")
    with pytest.raises(psycopg.errors.ExclusionViolation):
        conn.execute("INSERT INTO spans VALUES ('[4,9)')")
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="does not support exclusion"):
        conn.execute("CREATE TABLE days (d date, EXCLUDE USING brin (d WITH =))")


def test_adding_a_check_holds_access_exclusive_and_not_valid_then_validate_does_not(scratch):
    conn = scratch("none")
    conn.execute("CREATE TABLE spans (a int, b int)")
    conn.execute("INSERT INTO spans SELECT n, n + 1 FROM generate_series(1, 1000) AS n")
    held = (
        "SELECT mode FROM pg_locks WHERE relation = 'spans'::regclass "
        "AND pid = pg_backend_pid() ORDER BY mode"
    )
    with conn.transaction():
        conn.execute("ALTER TABLE spans ADD CONSTRAINT a_before_b CHECK (a < b)")
        assert ("AccessExclusiveLock",) in conn.execute(held).fetchall()
    conn.execute("ALTER TABLE spans DROP CONSTRAINT a_before_b")
    conn.execute("ALTER TABLE spans ADD CONSTRAINT a_before_b CHECK (a < b) NOT VALID")
    with conn.transaction():
        conn.execute("ALTER TABLE spans VALIDATE CONSTRAINT a_before_b")
        assert conn.execute(held).fetchall() == [("ShareUpdateExclusiveLock",)]
