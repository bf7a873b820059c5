"""The claims of docs/phases/indexing.md, asserted on the snippet files the page shows.

Each snippet is replayed statement by statement, as the example runner runs it; an EXPLAIN
statement is run with FORMAT JSON added to its options, so the plan asserted here is the plan of
the very query on the page. Plans are checked by shape (node types, index names, flags such as
Heap Fetches), sizes by ratios measured in the same database, never costs or times.
"""

from __future__ import annotations

import re
import time
from typing import Any

import psycopg
import pytest

from playbooks import paths
from playbooks.engines.readiness import connect
from playbooks.examples import page_fences
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
from playbooks.sql import explain, index_names, node_types, plan_nodes, snippet
from playbooks.testing.examples import ON_LARGE_DATA


def flushed_stats(conn: Any, sql: str, params: Any = None) -> tuple:
    conn.execute("SELECT pg_stat_force_next_flush()")
    return conn.execute(sql, params).fetchone()


_UNITS = {"bytes": 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3}


def size_bytes(pretty: str) -> int:
    number, unit = pretty.split()
    return int(number) * _UNITS[unit]


def uses_index(plan: dict, name: str) -> bool:
    return name in index_names(plan)


def has_node(plan: dict, node_type: str) -> bool:
    return node_type in node_types(plan)


def index_scan(plan: dict) -> dict:
    """The plan's one node that reads an index."""
    (scan,) = [n for n in plan_nodes(plan) if n.get("Index Name")]
    return scan


def blocks(node: dict) -> int:
    return node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)


def btree_entries(conn: Any, index: str) -> int:
    """The entries on a B-tree's leaf pages (pageinspect); a leaf with a right sibling also holds
    a high key, which is no row's entry."""
    return scalar(
        conn,
        "SELECT sum(s.live_items + s.dead_items - (s.btpo_next <> 0)::int) "
        "FROM generate_series(1, (pg_relation_size(%s::regclass) / 8192)::int - 1) AS b, "
        "bt_page_stats(%s, b) AS s WHERE s.type = 'l'",
        (index, index),
    )


PAGE = paths.DOCS / "phases" / "indexing.md"


def shown_after(include: str) -> str:
    """The text block that the page shows right after the fence including `include`."""
    fences = page_fences(PAGE, paths.DOCS.parent)
    for fence, following in zip(fences, fences[1:], strict=False):
        if (fence.includes or []) == [include] and following.lang == "text":
            return following.body
    raise AssertionError(f"{PAGE} shows no text block after {include}")


def test_sample_data_is_what_the_introduction_says(new_pg_db):
    conn = new_pg_db("sample")
    assert scalar(conn, "SELECT count(*) FROM orders") == 20000
    assert scalar(conn, "SELECT count(*) FROM events") == 40000


# --- when to index -----------------------------------------------------------------------------


def test_primary_key_and_unique_constraints_bring_unique_indexes(new_pg_db):
    conn = new_pg_db("sample")
    rows = replay(conn, "postgres/indexing/existing-indexes.sql").results[-1][1]
    by_table: dict[str, set[str]] = {}
    for table, index, _ in rows:
        by_table.setdefault(table, set()).add(index)
    assert by_table["orders"] == {"orders_pkey"}
    assert by_table["users"] == {"users_pkey", "users_email_key"}
    assert by_table["order_items"] == {"order_items_pkey"}
    flags = {
        r[0]: r[1:]
        for r in conn.execute(
            "SELECT indexrelid::regclass::text, indisunique, indisprimary FROM pg_index "
            "WHERE indexrelid::regclass::text IN ('orders_pkey', 'users_email_key')"
        )
    }
    assert flags == {"orders_pkey": (True, True), "users_email_key": (True, False)}
    # each constraint's index carries the constraint's name
    pairs = conn.execute(
        "SELECT conname, conindid::regclass::text FROM pg_constraint "
        "WHERE conrelid = 'users'::regclass AND contype IN ('p', 'u')"
    ).fetchall()
    assert sorted(pairs) == [("users_email_key", "users_email_key"), ("users_pkey", "users_pkey")]


def test_foreign_keys_bring_no_index(new_pg_db):
    conn = new_pg_db("sample")
    found = {r[1] for r in replay(conn, "postgres/indexing/fk-unindexed.sql").results[-1][1]}
    assert {
        "orders_customer_id_fkey",
        "order_items_product_id_fkey",
        "sessions_user_id_fkey",
        "products_category_id_fkey",
        "customers_user_id_fkey",
    } <= found
    # order_id leads the primary key of order_items; parent_id leads UNIQUE (parent_id, name)
    assert "order_items_order_id_fkey" not in found
    assert "categories_parent_id_fkey" not in found


def test_foreign_key_check_scans_the_referencing_table_without_an_index(new_pg_db):
    conn = new_pg_db("sample")
    before = flushed_stats(
        conn,
        "SELECT seq_scan, idx_scan, seq_tup_read FROM pg_stat_user_tables WHERE relname = 'orders'",
    )
    path = "postgres/indexing/fk-delete.sql"
    without_index = 4  # insert, delete, flush, read the counters
    assert statements(path)[without_index].startswith("CREATE INDEX")
    done = replay(conn, path, upto=without_index)
    seq_scan, idx_scan = done.rows("FROM pg_stat_user_tables")[0][0]
    assert (seq_scan - before[0], idx_scan - before[1]) == (1, 0)
    # "a sequential scan of all 20,000 orders": the one check read every row of the table
    seq_tup_read = flushed_stats(
        conn, "SELECT seq_tup_read FROM pg_stat_user_tables WHERE relname = 'orders'"
    )[0]
    assert seq_tup_read - before[2] == scalar(conn, "SELECT count(*) FROM orders") == 20000
    done = replay(conn, path, start=without_index)
    assert done.rows("FROM pg_stat_user_indexes")[0][0] == (1,)


def test_small_table_is_read_whole_despite_its_primary_key(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/small-table.sql")
    assert done.rows("relpages")[0][0][0] == 1
    assert node_types(done.plans[0]) == ["Seq Scan"]


def test_value_matching_most_rows_ignores_the_index(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/selectivity.sql")
    delivered, cancelled = done.plans
    [(values, freqs)] = done.rows("most_common_freqs")[0]
    share = dict(zip(values.strip("{}").split(","), freqs, strict=True))  # anyarray comes as text
    assert len(share) == 5  # five values
    assert 0.55 < share["delivered"] < 0.65  # "60 % of the rows"
    assert 0.04 < share["cancelled"] < 0.06  # "5 %"
    assert node_types(delivered) == ["Seq Scan"]
    assert uses_index(cancelled, "orders_status_idx")


def test_order_by_limit_is_served_by_an_index_without_sort(new_pg_db):
    conn = new_pg_db("sample")
    before, after = replay(conn, "postgres/indexing/order-by-limit.sql").plans
    assert has_node(before, "Sort")
    assert not has_node(after, "Sort")
    assert uses_index(after, "orders_created_at_idx")
    # "the scan stops after ten rows"
    query = statements("postgres/indexing/order-by-limit.sql")[-1].removeprefix(
        "EXPLAIN (COSTS OFF) "
    )
    scan = index_scan(explain(conn, query, analyze=True))
    assert scan["Actual Rows"] == 10


def test_index_on_an_updated_column_stops_hot_updates(new_pg_db):
    conn = new_pg_db("sample")
    [(upd1, hot1)], [(upd2, hot2)], [(upd3, hot3)] = replay(
        conn, "postgres/indexing/hot-updates.sql"
    ).rows("n_tup_hot_upd")
    batch = upd1
    assert batch > 0 and hot1 == batch  # no index on the updated columns: all HOT
    assert upd2 - upd1 == batch and hot2 == hot1  # last_viewed_at indexed: none HOT
    assert upd3 - upd2 == batch and hot3 - hot2 == batch  # indexed column unchanged: HOT
    # only the non-HOT round added entries to the primary key's index (200 rows, 200 + batch)
    conn.execute("CREATE EXTENSION pageinspect")
    rows = scalar(conn, "SELECT count(*) FROM product_stats")
    assert btree_entries(conn, "product_stats_pkey") == rows + batch
    conn.execute("VACUUM product_stats")  # "The old entries stay for now; VACUUM removes them"
    assert btree_entries(conn, "product_stats_pkey") == rows
    # "From PostgreSQL 16, a column that only BRIN indexes cover": round 2 again, on a BRIN
    conn.execute("DROP INDEX product_stats_last_viewed_at_idx")
    conn.execute(
        "CREATE INDEX product_stats_last_viewed_at_brin ON product_stats USING brin (last_viewed_at)"
    )
    conn.execute(
        "UPDATE product_stats SET views = views + 1, last_viewed_at = now() "
        "WHERE product_id % 10 = 3"
    )
    upd4, hot4 = flushed_stats(
        conn,
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'product_stats'",
    )
    assert upd4 - upd3 == batch
    assert hot4 - hot3 == (batch if conn.info.server_version >= 160000 else 0)


FILLFACTOR = "postgres/indexing/hot-fillfactor.sql"
HOT_COUNTERS = "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'sessions'"


def _fillfactor_steps() -> tuple[int, str]:
    """Where hot-fillfactor.sql sets the fillfactor, and its second round of updates."""
    steps = statements(FILLFACTOR)
    (alter,) = [i for i, s in enumerate(steps) if s.startswith("ALTER TABLE sessions SET")]
    second_round = [s for s in steps if s.startswith("UPDATE sessions")][1]
    return alter, second_round


def test_fillfactor_leaves_room_for_hot_updates(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, FILLFACTOR)
    [[(packed,)], [(roomy,)]] = done.rows("AS pages")
    [(upd1, hot1)], [(upd2, hot2)] = done.rows("n_tup_hot_upd")
    assert upd1 == 500 and hot1 == 0  # full pages: "none of the 500 updates was HOT"
    assert upd2 - upd1 == 500 and hot2 - hot1 == 500  # at fillfactor 70: all of them
    assert 1.35 < roomy / packed < 1.5  # "88 pages instead of 62, about 40 % more"
    assert (packed, roomy) == (62, 88)
    # each non-HOT update added an entry to sessions_pkey; VACUUM FULL rebuilt it, and the
    # HOT round added none
    conn.execute("CREATE EXTENSION pageinspect")
    assert btree_entries(conn, "sessions_pkey") == scalar(conn, "SELECT count(*) FROM sessions")
    fresh = new_pg_db("sample")
    fresh.execute("CREATE EXTENSION pageinspect")
    replay(fresh, FILLFACTOR, upto=_fillfactor_steps()[0])
    assert btree_entries(fresh, "sessions_pkey") == 5000 + 500
    # expires_at is in no index: the updates were eligible for HOT all along
    indexed = conn.execute(
        "SELECT a.attname FROM pg_index AS i JOIN pg_attribute AS a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
        "WHERE i.indrelid = 'sessions'::regclass"
    ).fetchall()
    assert ("expires_at",) not in indexed
    # the control: the same rewrite at fillfactor 100, and the second round is not HOT
    control = new_pg_db("sample")
    alter, _ = _fillfactor_steps()
    replay(control, FILLFACTOR, upto=alter)
    done = replay(control, FILLFACTOR, start=alter + 1)
    [(upd, hot)] = done.rows("n_tup_hot_upd")[0]
    assert upd == 1000 and hot <= 0.05 * 500


def test_setting_fillfactor_alone_rewrites_nothing(new_pg_db):
    conn = new_pg_db("sample")
    alter, _ = _fillfactor_steps()
    replay(conn, FILLFACTOR, upto=alter)
    before = conn.execute(
        "SELECT relfilenode, pg_relation_size(oid) FROM pg_class WHERE relname = 'sessions'"
    ).fetchone()
    replay(conn, FILLFACTOR, start=alter, upto=alter + 1)
    after = conn.execute(
        "SELECT relfilenode, pg_relation_size(oid) FROM pg_class WHERE relname = 'sessions'"
    ).fetchone()
    assert after == before
    assert scalar(conn, "SELECT reloptions FROM pg_class WHERE relname = 'sessions'") == [
        "fillfactor=70"
    ]


@pytest.mark.parametrize("old_snapshot", [False, True], ids=["pruned", "snapshot-held"])
def test_pruning_makes_room_unless_an_old_snapshot_sees_the_old_versions(new_pg_db, old_snapshot):
    conn = new_pg_db("sample")
    alter, second_round = _fillfactor_steps()
    holder = psycopg.connect(conn.info.dsn, autocommit=True)
    try:
        if old_snapshot:  # a REPEATABLE READ transaction open since before the first round
            holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            holder.execute("SELECT 1")
        # the first round, on the table as loaded (fillfactor 100): no HOT update
        [(upd1, hot1)] = replay(conn, FILLFACTOR, upto=alter).rows("n_tup_hot_upd")[0]
        assert (upd1, hot1) == (500, 0)
        conn.execute(second_round)  # 500 other rows, still at fillfactor 100
        upd2, hot2 = flushed_stats(conn, HOT_COUNTERS)
        assert upd2 - upd1 == 500
        if old_snapshot:
            assert hot2 - hot1 <= 0.1 * 500  # "almost no HOT updates"
        else:
            assert hot2 - hot1 >= 0.9 * 500  # "over 90 %": pruning freed the room
    finally:
        holder.close()


def test_btree_entry_larger_than_2704_bytes_is_rejected(new_pg_db):
    conn = new_pg_db("sample")
    replay_until_error(
        conn,
        "postgres/indexing/wide-value.sql",
        psycopg.errors.ProgramLimitExceeded,
        match="maximum 2704",
    )
    assert scalar(conn, "SELECT count(*) FROM notes") == 1  # the compressible value went in


def test_hash_index_takes_a_value_too_wide_for_btree(new_pg_db):
    conn = new_pg_db("sample")
    assert replay(conn, "postgres/indexing/wide-value-hash.sql").results[-1][1] == [(1,)]


# --- index types -------------------------------------------------------------------------------


LIKE_PREFIX = "postgres/indexing/btree-like.sql"


def _like_plans(conn: Any) -> list[dict]:
    plans = replay(conn, LIKE_PREFIX).plans
    language, c_collation, pattern, ordered = plans
    assert not index_names(language) and node_types(language) == ["Seq Scan"]
    assert index_names(c_collation) == {"customers_name_c_idx"}
    cond = c_collation["Index Cond"]
    assert ">=" in cond and " < " in cond and "~" not in cond  # the ordinary operators
    assert index_names(pattern) == {"customers_name_pattern_idx"}
    assert "~>=~" in pattern["Index Cond"] and "~<~" in pattern["Index Cond"]
    assert index_names(ordered) == {"customers_name_idx"} and not has_node(ordered, "Sort")
    return plans


def test_like_prefix_depends_on_the_collation_of_the_index(new_pg_db):
    conn = new_pg_db("sample")
    _like_plans(conn)
    collation = (
        "SELECT c.collname FROM pg_attribute AS a JOIN pg_collation AS c ON c.oid = a.attcollation "
        "WHERE a.attrelid = 'customers'::regclass AND a.attname = 'name'"
    )
    assert scalar(conn, collation) == "en-US-x-icu"
    # the pattern index serves =; the C one does not (its collation is not the column's)
    conn.execute("DROP INDEX customers_name_idx")
    equal = "SELECT id FROM customers WHERE name = 'Ada Lovelace'"
    assert index_names(explain(conn, equal)) == {"customers_name_pattern_idx"}
    conn.execute("DROP INDEX customers_name_pattern_idx")
    conn.execute('CREATE INDEX customers_name_c_idx ON customers (name COLLATE "C")')
    assert not index_names(explain(conn, equal))
    # neither is in the column's order: without customers_name_idx, ORDER BY name sorts
    ordered = explain(conn, "SELECT id, name FROM customers ORDER BY name LIMIT 5")
    assert has_node(ordered, "Sort") and not index_names(ordered)


def test_like_prefix_plans_do_not_depend_on_the_database_locale(new_pg_db, pg_databases):
    sample = new_pg_db("sample")
    columns = "id, user_id, name, email, region, created_at"
    rows = sample.execute(f"SELECT {columns} FROM customers ORDER BY id").fetchall()
    name = f"dbarch_c_locale_{sample.info.dbname}"
    with connect(pg_databases.server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")
    try:
        with connect(pg_databases.server, name, autocommit=True) as conn:
            assert (
                scalar(conn, "SELECT datcollate FROM pg_database WHERE datname = %s", (name,))
                == "C"
            )
            conn.execute(
                "CREATE TABLE customers (id bigint PRIMARY KEY, user_id bigint, name text NOT NULL, "
                "email text NOT NULL, region text NOT NULL, created_at timestamptz NOT NULL)"
            )
            with conn.cursor().copy(f"COPY customers ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.execute("VACUUM ANALYZE customers")
            _like_plans(conn)  # the same three plans, and the same ORDER BY
    finally:
        with connect(pg_databases.server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_c_utf8_is_not_byte_order_for_like(new_pg_db):
    conn = new_pg_db("sample")
    # The database's collation (PostgreSQL 16 removed the lc_collate setting; the catalog has it)
    collation = "SELECT datcollate FROM pg_database WHERE datname = current_database()"
    if scalar(conn, collation) != "C.UTF-8":
        pytest.skip("the page speaks of the suite's own servers, created with C.UTF-8")
    provider = "SELECT datlocprovider FROM pg_database WHERE datname = current_database()"
    assert scalar(conn, provider) == "c"  # "among the C library's collations"
    conn.execute("SET enable_seqscan = off")  # the index, if it could serve at all
    plan = explain(conn, "SELECT id, email FROM users WHERE email LIKE 'Sophie.Liskov%'")
    assert not index_names(plan)  # users_email_key, under C.UTF-8, is no range for a prefix
    assert scalar(conn, "SELECT count(*) FROM users WHERE email LIKE 'Sophie.Liskov%'") > 0


def test_unique_index_rejects_a_duplicate(new_pg_db):
    conn = new_pg_db("sample")
    with pytest.raises(psycopg.errors.UniqueViolation):
        replay(conn, "postgres/indexing/unique.sql")


def test_nulls_are_distinct_by_default(new_pg_db):
    conn = new_pg_db("sample")
    rows = replay(conn, "postgres/indexing/unique-nulls.sql").results[-1][1]
    assert len(rows) == 2
    assert all(parent is None and name == "Books" for _, parent, name in rows)


def test_nulls_not_distinct_rejects_a_second_null(new_pg_db):
    conn = new_pg_db("sample")
    replay_until_error(
        conn, "postgres/indexing/unique-nulls-not-distinct.sql", psycopg.errors.UniqueViolation
    )


@pytest.fixture
def partial(new_pg_db):
    conn = new_pg_db("sample")
    return conn, replay(conn, "postgres/indexing/partial.sql")


def test_partial_index_serves_its_predicate_only(partial):
    _, done = partial
    pending, paid = done.plans
    assert uses_index(pending, "orders_pending_created_at_idx")
    assert not has_node(pending, "Sort")
    assert not any("Filter" in n for n in plan_nodes(pending))
    assert index_names(paid) == {"orders_created_at_idx"}
    assert any("Filter" in n for n in plan_nodes(paid))


def test_partial_index_is_a_fraction_of_the_full_one(partial):
    conn, _ = partial
    ratio = scalar(
        conn,
        "SELECT pg_relation_size('orders_pending_created_at_idx')::float"
        " / pg_relation_size('orders_created_at_idx')",
    )
    assert ratio < 0.2
    assert 1 / 8 < ratio < 1 / 6  # "about a seventh of the size"
    pending = scalar(conn, "SELECT avg((status = 'pending')::int)::float FROM orders")
    assert 0.09 < pending < 0.11  # "the tenth of the orders that are pending"


def test_generic_plan_cannot_use_a_partial_index(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/partial-prepared.sql")
    custom, generic = done.plans
    assert uses_index(custom, "orders_pending_created_at_idx")
    assert not uses_index(generic, "orders_pending_created_at_idx")
    generic_plans, custom_plans = done.results[-1][1][0]
    # one EXPLAIN EXECUTE and four EXECUTEs made the five custom plans
    assert (
        sum(s.startswith("EXECUTE") for s in statements("postgres/indexing/partial-prepared.sql"))
        == 4
    )
    assert generic_plans >= 1 and custom_plans == 5
    # the way out: custom plans, always
    conn.execute("SET plan_cache_mode = force_custom_plan")
    forced = explain(conn, "EXECUTE orders_by_status('pending')")
    assert uses_index(forced, "orders_pending_created_at_idx")


def test_psycopg_reaches_the_generic_plan_on_its_own(new_pg_db):
    conn = new_pg_db("sample")
    path = "postgres/indexing/partial-prepared.sql"
    replay(conn, path, upto=3)  # the two indexes and ANALYZE
    assert conn.prepare_threshold == 5
    # the query of the page's PREPARE, sent by the application with a parameter
    (prepare,) = [s for s in statements(path) if s.startswith("PREPARE")]
    query = prepare.split(" AS", 1)[1].strip().replace("$1", "%s")
    for _ in range(11):
        conn.execute(query, ("pending",)).fetchall()
    [(name, generic, custom)] = conn.execute(
        "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE statement LIKE 'SELECT id, created_at FROM orders WHERE status = $1%'"
    ).fetchall()
    assert (generic, custom) == (1, 5)  # prepared at the 6th call, custom 6th-10th, generic 11th
    # and the plan it now runs cannot use the partial index
    plan = explain(conn, f"EXECUTE {name}('pending')")
    assert not uses_index(plan, "orders_pending_created_at_idx")


def test_covering_index_only_scan_needs_the_visibility_map(new_pg_db):
    conn = new_pg_db("sample")
    # The throwaway server runs with synchronous_commit = off; a production server does not.
    # VACUUM can only mark a page all-visible once the commit that wrote it is flushed.
    conn.execute("SET synchronous_commit = on")
    # The sample's pages are all-visible already (the template was vacuumed): dirty the ones
    # the query reads, so that only the snippet's own VACUUM can make them all-visible again.
    conn.execute("UPDATE products SET price = price WHERE category_id = 47")
    vacuumed, updated, revacuumed = replay(conn, "postgres/indexing/covering.sql").plans
    for plan in (vacuumed, updated, revacuumed):
        assert node_types(plan) == ["Index Only Scan"]
        assert plan["Index Name"] == "products_category_name_price_idx"
    assert vacuumed["Heap Fetches"] == 0
    assert updated["Heap Fetches"] > 0
    assert revacuumed["Heap Fetches"] == 0
    # a plain index: every column is a key column, none is INCLUDEd
    keys, columns = conn.execute(
        "SELECT indnkeyatts, indnatts FROM pg_index "
        "WHERE indexrelid = 'products_category_name_price_idx'::regclass"
    ).fetchone()
    assert keys == columns == 3


def test_include_keeps_uniqueness_on_the_key_alone(new_pg_db):
    path = "postgres/indexing/include-unique.sql"
    conn = new_pg_db("sample")
    done = replay_until_error(conn, path, psycopg.errors.UniqueViolation, match="products_sku_key")
    (plan,) = done.plans
    assert node_types(plan) == ["Index Only Scan"] and plan["Index Name"] == "products_sku_key"
    keys, columns, unique = conn.execute(
        "SELECT indnkeyatts, indnatts, indisunique FROM pg_index "
        "WHERE indexrelid = 'products_sku_key'::regclass"
    ).fetchone()
    assert (keys, columns, unique) == (1, 2, True)
    # "UNIQUE (sku, price) would have let the copy in"
    control = new_pg_db("sample")
    for text in statements(path):
        control.execute(text.replace("UNIQUE (sku) INCLUDE (price)", "UNIQUE (sku, price)"))
    sku = re.search(r"sku = '([^']+)'", statements(path)[-1]).group(1)
    assert scalar(control, "SELECT count(*) FROM products WHERE sku = %s", (sku,)) == 2
    # "A PRIMARY KEY takes INCLUDE the same way"
    none = new_pg_db("none")
    none.execute("CREATE TABLE t (id int, note text, PRIMARY KEY (id) INCLUDE (note))")
    assert none.execute(
        "SELECT indnkeyatts, indnatts, indisprimary FROM pg_index WHERE indrelid = 't'::regclass"
    ).fetchone() == (1, 2, True)


def test_include_carries_a_type_without_a_btree_class(new_pg_db):
    conn = new_pg_db("none")
    replay_until_error(
        conn,
        "postgres/indexing/include-no-btree.sql",
        psycopg.errors.UndefinedObject,
        match='no default operator class for access method "btree"',
    )
    assert scalar(conn, "SELECT to_regclass('readings_sensor_taken_at_idx') IS NOT NULL")
    # point has no B-tree operator class at all
    assert not scalar(
        conn,
        "SELECT count(*) FROM pg_opclass AS c JOIN pg_am AS a ON a.oid = c.opcmethod "
        "WHERE a.amname = 'btree' AND c.opcintype = 'point'::regtype",
    )


def test_include_index_is_never_deduplicated(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/include-dedup.sql")
    shown = [r[0] for r in done.results[-1][1]]
    key, nodedup, included = (
        "orders_status_customer_idx",
        "orders_status_customer_nodedup_idx",
        "orders_status_incl_customer_idx",
    )
    assert shown == [key, nodedup, included]
    size = {
        name: scalar(conn, "SELECT pg_relation_size(%s::regclass)", (name,))
        for name in (key, nodedup, included)
    }
    assert size[key] < 0.6 * size[included]  # "360 kB" against "744 kB"
    assert 0.95 < size[nodedup] / size[included] < 1.05  # "exactly as much"
    conn.execute("CREATE EXTENSION pageinspect")
    dedup = "SELECT allequalimage FROM bt_metap(%s)"
    assert scalar(conn, dedup, (key,)) is True
    assert scalar(conn, dedup, (included,)) is False  # deduplication is off for good
    # "many (status, customer_id) pairs repeat"
    pairs, rows = conn.execute(
        "SELECT count(DISTINCT (status, customer_id)), count(*) FROM orders"
    ).fetchone()
    assert pairs < 0.5 * rows and rows == 20000


def test_expression_index_serves_the_expression_only(new_pg_db):
    conn = new_pg_db("sample")
    before, lowered, bare = replay(conn, "postgres/indexing/expression.sql").plans
    assert node_types(before) == ["Seq Scan"]
    assert uses_index(lowered, "users_email_lower_key")
    assert index_names(bare) == {"users_email_key"}
    conn.execute("ALTER TABLE users DROP CONSTRAINT users_email_key")
    alone = explain(
        conn,
        statements("postgres/indexing/expression.sql")[-1].removeprefix("EXPLAIN (COSTS OFF) "),
    )
    assert node_types(alone) == ["Seq Scan"]


def test_addresses_are_stored_as_typed(new_pg_db):
    conn = new_pg_db("sample")
    # the addresses the page quotes exist, in that case
    for address in ("Sophie.Liskov2@example.com", "edsger_turing9@EXAMPLE.COM"):
        assert scalar(conn, "SELECT count(*) FROM users WHERE email = %s", (address,)) == 1
    # the look-up of expression.sql finds an address stored with capitals
    (literal,) = set(re.findall(r"'([^']+@[^']+)'", snippet("postgres/indexing/expression.sql")))
    stored = conn.execute("SELECT email FROM users WHERE lower(email) = %s", (literal,)).fetchall()
    assert len(stored) == 1 and stored[0][0] != literal


def test_unique_expression_index_rejects_a_case_variant(new_pg_db):
    path = "postgres/indexing/expression-unique.sql"
    create, insert = statements(path)
    plain = new_pg_db("sample")
    plain.execute(insert)  # UNIQUE (email) alone lets the lower-case twin in
    conn = new_pg_db("sample")
    conn.execute(create)
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute(insert)


def test_range_before_sort_column_needs_a_sort(new_pg_db):
    conn = new_pg_db("sample")
    (plan,) = replay(conn, "postgres/indexing/composite-range-before-sort.sql").plans
    assert uses_index(plan, "orders_status_created_at_total_idx")
    assert has_node(plan, "Sort")


def test_sort_before_range_column_needs_no_sort(new_pg_db):
    conn = new_pg_db("sample")
    (plan,) = replay(conn, "postgres/indexing/composite-sort-before-range.sql").plans
    assert uses_index(plan, "orders_status_total_created_at_idx")
    assert not has_node(plan, "Sort")


def test_planner_picks_the_column_order_by_range_width(new_pg_db):
    conn = new_pg_db("sample")
    wide, narrow = replay(conn, "postgres/indexing/composite-both.sql").plans
    # the snippet's comments: "about 500 pending orders" and "a handful of rows"
    count = "SELECT count(*) FROM orders WHERE status = 'pending' AND created_at >= %s"
    assert 450 <= scalar(conn, count, ("2026-06-01",)) <= 600
    assert scalar(conn, count, ("2026-10-30",)) <= 20
    assert index_names(wide) == {"orders_status_total_created_at_idx"}
    assert not has_node(wide, "Sort")
    assert index_names(narrow) == {"orders_status_created_at_total_idx"}
    assert has_node(narrow, "Sort")


def test_non_leading_column_alone_means_reading_the_whole_index(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/composite-non-leading.sql")
    filtered, ordered, forced, pinned = done.plans
    assert has_node(ordered, "Sort") and not index_names(ordered)
    index_pages = done.results[-1][1][0][0]
    scan = index_scan(forced)
    assert scan["Index Name"] == "orders_status_created_at_total_idx"
    statuses = scalar(conn, "SELECT count(DISTINCT status) FROM orders")
    if conn.info.server_version // 10000 >= 18:
        # skip scan: the planner picks the index itself, one search per status value
        assert index_names(filtered) == {"orders_status_created_at_total_idx"}
        assert statuses == 5 and scan["Index Searches"] == 6  # "6 Index Searches for the 5 values"
        assert (blocks(scan), index_pages) == (15, 115)  # "reading 15 pages instead of 115"
    else:
        assert node_types(filtered) == ["Seq Scan"]
        assert "Index Searches" not in scan
        assert blocks(scan) >= 0.95 * index_pages  # every page of the index, for a few dozen rows
    pinned_scan = index_scan(pinned)
    assert blocks(pinned_scan) == 3  # "against 3 pages when status is pinned"


def test_skip_scan_does_not_help_a_leading_column_of_many_values(new_pg_db):
    """ "With customer_id (1,907 values) leading, PostgreSQL 18 read every page of the index in
    one search when forced to use it, and left to itself read the table"."""
    conn = new_pg_db("sample")
    assert scalar(conn, "SELECT count(DISTINCT customer_id) FROM orders") == 1907
    conn.execute(
        "CREATE INDEX orders_customer_id_created_at_idx ON orders (customer_id, created_at)"
    )
    conn.execute("ANALYZE orders")
    query = "SELECT id FROM orders WHERE created_at >= '2026-10-30'"
    assert node_types(explain(conn, query)) == ["Seq Scan"]
    conn.execute("SET enable_seqscan = off")
    forced = explain(conn, query, analyze=True)
    scan = index_scan(forced)
    pages = scalar(conn, "SELECT relpages FROM pg_class WHERE relname = %s", [scan["Index Name"]])
    assert blocks(scan) >= pages - 1  # every page but, at most, the metapage
    if conn.info.server_version >= 180000:
        assert scan["Index Searches"] == 1


def test_gist_index_returns_nearest_stores_in_order(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/gist.sql")
    before, after = done.plans
    assert has_node(before, "Sort")
    assert not has_node(after, "Sort")
    (scan,) = [n for n in plan_nodes(after) if n.get("Index Name") == "stores_location_idx"]
    assert "Order By" in scan
    # "the scan stops after five rows"
    query = statements("postgres/indexing/gist.sql")[-1]
    scanned = index_scan(explain(conn, query, analyze=True))
    assert scanned["Actual Rows"] == 5
    rows = done.results[-1][1]
    for _, _, degrees, metres in rows:
        assert degrees < 1 and metres > 100  # the operator's unit is not the metre
    metres = [r[3] for r in rows]
    assert metres != sorted(metres)  # planar degrees do not rank like metres on the ground
    # "store #4 comes before #2 although #2 is more than a kilometre nearer"
    order = [name for _, name, _, _ in rows]
    distance = {name: m for _, name, _, m in rows}
    four, two = "New York #4", "New York #2"
    assert order.index(four) < order.index(two)
    assert distance[four] - distance[two] > 1000


@pytest.fixture(scope="module")
def gin_plans(pg_databases):
    from playbooks.engines.readiness import connect

    name = pg_databases.create("large")
    try:
        with connect(pg_databases.server, name, autocommit=True) as conn:
            # "the large data set (2,000 products)"
            assert scalar(conn, "SELECT count(*) FROM products") == 2000
            yield replay(conn, "postgres/indexing/gin.sql").plans
    finally:
        pg_databases.drop(name)


@ON_LARGE_DATA
def test_gin_serves_array_containment(gin_plans):
    assert uses_index(gin_plans[0], "products_tags_idx")


@ON_LARGE_DATA
def test_gin_serves_jsonb_containment(gin_plans):
    assert uses_index(gin_plans[1], "products_attributes_idx")


@ON_LARGE_DATA
def test_gin_serves_full_text_search_with_the_same_expression(gin_plans):
    assert uses_index(gin_plans[2], "products_description_fts_idx")


@ON_LARGE_DATA
def test_full_text_without_the_configuration_argument_misses_the_index(gin_plans):
    assert not index_names(gin_plans[3])
    assert node_types(gin_plans[3]) == ["Seq Scan"]


def test_sample_catalogue_is_too_small_for_the_array_and_jsonb_indexes(new_pg_db):
    conn = new_pg_db("sample")
    tags, attributes, _, _ = replay(conn, "postgres/indexing/gin.sql").plans
    assert scalar(conn, "SELECT relpages FROM pg_class WHERE relname = 'products'") == 9
    assert node_types(tags) == ["Seq Scan"]
    assert node_types(attributes) == ["Seq Scan"]


def test_one_argument_to_tsvector_cannot_be_indexed(new_pg_db):
    conn = new_pg_db("sample")
    with pytest.raises(psycopg.errors.InvalidObjectDefinition, match="IMMUTABLE"):
        replay(conn, "postgres/indexing/gin-fts-one-arg.sql")


def gin_operators(conn: Any, family: str) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT amopopr::regoperator::text FROM pg_amop AS o "
            "JOIN pg_opfamily AS f ON f.oid = o.amopfamily "
            "JOIN pg_am AS a ON a.oid = f.opfmethod "
            "WHERE a.amname = 'gin' AND f.opfname = %s",
            (family,),
        )
    }


def test_gin_operator_classes(new_pg_db):
    conn = new_pg_db("none")
    assert {"@>(anyarray,anyarray)", "<@(anyarray,anyarray)", "&&(anyarray,anyarray)"} <= (
        gin_operators(conn, "array_ops")
    )
    path_ops, default_ops = gin_operators(conn, "jsonb_path_ops"), gin_operators(conn, "jsonb_ops")
    assert "@>(jsonb,jsonb)" in path_ops and "@>(jsonb,jsonb)" in default_ops
    key_exists = {"?(jsonb,text)", "?|(jsonb,text[])", "?&(jsonb,text[])"}
    assert not key_exists & path_ops
    assert key_exists <= default_ops


@pytest.fixture(scope="module")
def trgm(pg_databases):
    name = pg_databases.create("large")
    try:
        with connect(pg_databases.server, name, autocommit=True) as conn:
            # "the 20,000 customers of the large data set"
            assert scalar(conn, "SELECT count(*) FROM customers") == 20000
            yield replay(conn, "postgres/indexing/trgm.sql")
    finally:
        pg_databases.drop(name)


@ON_LARGE_DATA
def test_no_btree_serves_a_pattern_without_prefix(trgm):
    before = trgm.plans[0]
    assert node_types(before) == ["Seq Scan"]


@ON_LARGE_DATA
def test_trigram_gin_serves_ilike_anywhere_in_the_string(trgm):
    plan = trgm.plans[1]
    assert index_names(plan) == {"customers_name_trgm_idx"}
    assert has_node(plan, "Bitmap Heap Scan") and "Recheck Cond" in plan


@ON_LARGE_DATA
def test_trigram_gin_serves_similarity(trgm):
    assert index_names(trgm.plans[2]) == {"customers_name_trgm_idx"}
    rows = trgm.rows("similarity(")[0]
    # the misspelt name finds the right one first
    assert rows[0][0] == "Grace Chamberlin" and float(rows[0][1]) == 0.75
    assert all(float(s) >= 0.3 for _, s in rows)  # the default threshold
    assert [float(s) for _, s in rows] == sorted((float(s) for _, s in rows), reverse=True)


@ON_LARGE_DATA
def test_trigram_gist_returns_nearest_first(trgm):
    plan = trgm.plans[3]
    assert not has_node(plan, "Sort")
    scan = index_scan(plan)
    assert scan["Index Name"] == "customers_name_trgm_gist" and "Order By" in scan


def _trgm_operators(conn: Any, method: str, family: str) -> dict[str, str]:
    """Operator -> purpose ('s' search, 'o' ordering) of a pg_trgm operator family."""
    return dict(
        conn.execute(
            "SELECT amopopr::regoperator::text, amoppurpose::text FROM pg_amop AS o "
            "JOIN pg_opfamily AS f ON f.oid = o.amopfamily "
            "JOIN pg_am AS a ON a.oid = f.opfmethod WHERE a.amname = %s AND f.opfname = %s",
            (method, family),
        ).fetchall()
    )


def test_trigram_operator_classes(new_pg_db):
    conn = new_pg_db("none")  # the template's extensions include pg_trgm
    gin = _trgm_operators(conn, "gin", "gin_trgm_ops")
    gist = _trgm_operators(conn, "gist", "gist_trgm_ops")
    served = {"~~(text,text)", "~~*(text,text)", "~(text,text)", "~*(text,text)", "%(text,text)"}
    assert served <= set(gin) and served <= set(gist)
    assert gist.get("<->(text,text)") == "o"  # GiST orders by distance
    assert "<->(text,text)" not in gin  # GIN cannot
    assert scalar(conn, "SELECT round((1 - similarity('abc', 'abd'))::numeric, 6)") == scalar(
        conn, "SELECT round(('abc' <-> 'abd')::numeric, 6)"
    )


def test_trigram_index_is_not_worth_it_on_the_sample(new_pg_db):
    conn = new_pg_db("sample")
    plans = replay(conn, "postgres/indexing/trgm.sql").plans
    assert node_types(plans[1]) == ["Seq Scan"]  # the index exists, the planner reads the table
    assert scalar(conn, "SELECT relpages FROM pg_class WHERE relname = 'customers'") == 25
    assert scalar(conn, "SELECT count(*) FROM customers") == 2000


@pytest.fixture
def brin(new_pg_db):
    conn = new_pg_db("sample")
    return conn, replay(conn, "postgres/indexing/brin.sql")


def test_brin_column_follows_physical_order(brin):
    _, done = brin
    correlation = dict(done.results[0][1])
    assert correlation["created_at"] > 0.99
    assert abs(correlation["user_id"]) < 0.9
    # "a correlation of about 0.4" (ANALYZE samples rows: the true value is about 0.375)
    assert 0.3 < correlation["user_id"] < 0.5


def test_brin_is_a_small_fraction_of_the_btree(brin):
    _, done = brin
    sizes = {name: size_bytes(size) for name, size in done.rows("pg_size_pretty")[0]}
    assert sizes["events_created_at_brin"] < 0.05 * sizes["events_created_at_btree"]
    # "less than a thirtieth of the size of the B-tree"
    assert sizes["events_created_at_brin"] < sizes["events_created_at_btree"] / 30


def test_brin_serves_a_time_range(brin):
    _, done = brin
    assert uses_index(done.plans[0], "events_created_at_brin")


def test_brin_summarises_128_pages_and_offers_only_bitmap_scans(brin):
    conn, _ = brin
    conn.execute("CREATE EXTENSION pageinspect")
    assert (
        scalar(
            conn,
            "SELECT pagesperrange FROM brin_metapage_info(get_raw_page('events_created_at_brin', 0))",
        )
        == 128
    )
    plain, bitmap = conn.execute(
        "SELECT pg_index_has_property('events_created_at_brin'::regclass, 'index_scan'), "
        "pg_index_has_property('events_created_at_brin'::regclass, 'bitmap_scan')"
    ).fetchone()
    assert (plain, bitmap) == (False, True)


def test_brin_on_a_scattered_column_narrows_nothing(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/brin-uncorrelated.sql")
    (plan,) = done.plans
    table_pages, table_rows = done.results[-1][1][0]
    # PostgreSQL 15 chooses the index, and it reads and rechecks the whole table
    assert uses_index(plan, "events_user_id_brin")
    (heap,) = [n for n in plan_nodes(plan) if n["Node Type"] == "Bitmap Heap Scan"]
    assert heap["Lossy Heap Blocks"] >= 0.95 * table_pages
    assert heap["Rows Removed by Index Recheck"] >= 0.95 * table_rows
    # "every one of the 562 pages matched some block range ... rechecked every row"
    assert heap["Lossy Heap Blocks"] == table_pages
    assert heap["Actual Rows"] + heap["Rows Removed by Index Recheck"] == table_rows


def _heap(plan: dict) -> dict:
    (heap,) = [n for n in plan_nodes(plan) if n["Node Type"] == "Bitmap Heap Scan"]
    return heap


def brin_summaries(conn: Any, index: str) -> int:
    """The number of block-range summaries a BRIN index holds (pageinspect)."""
    return scalar(
        conn,
        "SELECT count(*) FROM generate_series(0, (pg_relation_size(%s::regclass) / 8192)::int - 1)"
        " AS b, brin_page_items(get_raw_page(%s, b), %s::regclass) "
        "WHERE brin_page_type(get_raw_page(%s, b)) = 'regular'",
        (index, index, index, index),
    )


def test_brin_pages_beyond_the_summaries_are_read_until_summarised(brin):
    conn, _ = brin
    pages_before = scalar(conn, "SELECT pg_relation_size('events') / 8192")
    assert pages_before == 562  # "from page 562"
    done = replay(conn, "postgres/indexing/brin-new-pages.sql")
    unsummarised, summarised = done.plans
    (([count],),) = done.rows("brin_summarize_new_values")
    pages = scalar(conn, "SELECT pg_relation_size('events') / 8192")
    assert pages == 889  # "to page 888"
    assert count == 2 == -(-(pages - 640) // 128)  # ranges 640-767 and 768-888
    before, after = _heap(unsummarised), _heap(summarised)
    assert after["Actual Rows"] == before["Actual Rows"] == 502
    assert after["Lossy Heap Blocks"] == 128
    # every page of the two unsummarised ranges was read, and no more
    assert before["Lossy Heap Blocks"] - after["Lossy Heap Blocks"] == pages - 640
    assert before["Rows Removed by Index Recheck"] > 3 * after["Rows Removed by Index Recheck"]


def test_vacuum_summarises_complete_brin_ranges_only(brin):
    conn, _ = brin
    path = "postgres/indexing/brin-new-pages.sql"
    (summarise,) = [i for i, s in enumerate(statements(path)) if "brin_summarize_new" in s]
    replay(conn, path, upto=summarise)
    conn.execute("VACUUM events")
    pages = scalar(conn, "SELECT pg_relation_size('events') / 8192")
    # VACUUM summarised the complete range 640-767; the last one, 768-888, is still being filled
    plan = replay(conn, path, start=summarise + 1).plans[0]
    assert _heap(plan)["Lossy Heap Blocks"] == 128 + (pages - 768)
    assert scalar(conn, "SELECT brin_summarize_new_values('events_created_at_brin')") == 1
    plan = replay(conn, path, start=summarise + 1).plans[0]
    assert _heap(plan)["Lossy Heap Blocks"] == 128


def test_brin_autosummarize_has_autovacuum_summarise_the_range_the_inserts_left(brin):
    """ "An index created WITH (autosummarize = on) asks autovacuum to summarise each range as
    soon as the inserts have moved past it": the inserts of brin-new-pages.sql (autovacuum off
    for the table) fill ranges 640-767 and part of 768-895. Such an index gets the first one
    summarised, by autovacuum, and not the one being filled; the page's index gets neither."""
    conn, _ = brin
    conn.execute("CREATE EXTENSION pageinspect")
    conn.execute(
        "CREATE INDEX events_created_at_brin_auto ON events USING brin (created_at) "
        "WITH (autosummarize = on)"
    )
    options = "SELECT reloptions FROM pg_class WHERE relname = 'events_created_at_brin_auto'"
    assert scalar(conn, options) == ["autosummarize=on"]  # a storage parameter of the index
    assert brin_summaries(conn, "events_created_at_brin_auto") == 5  # pages 0-561
    path = "postgres/indexing/brin-new-pages.sql"
    (summarise,) = [i for i, s in enumerate(statements(path)) if "brin_summarize_new" in s]
    # autovacuum wakes every second on this worker's server while the test looks
    with system_settings(conn, autovacuum_naptime="1"):
        replay(conn, path, upto=summarise)
        wait_for(
            lambda: brin_summaries(conn, "events_created_at_brin_auto"),
            "autovacuum to summarise the range 640-767",
            10,
            accept=lambda summaries: summaries == 6,
        )
        time.sleep(3)  # three more rounds of autovacuum
        assert brin_summaries(conn, "events_created_at_brin_auto") == 6
        assert brin_summaries(conn, "events_created_at_brin") == 5
    vacuums = "SELECT vacuum_count + autovacuum_count FROM pg_stat_user_tables WHERE relname = %s"
    assert scalar(conn, vacuums, ("events",)) == 0  # not a VACUUM of the table: the index's request


def test_brin_fewer_pages_per_range_read_fewer_pages(brin):
    conn, _ = brin
    conn.execute("CREATE EXTENSION pageinspect")
    assert brin_summaries(conn, "events_created_at_brin") == 5  # 562 pages / 128
    done = replay(conn, "postgres/indexing/brin-pages-per-range.sql")
    wide, narrow = (_heap(plan) for plan in done.plans)
    assert uses_index(done.plans[0], "events_created_at_brin")
    assert uses_index(done.plans[1], "events_created_at_brin16")
    assert (wide["Lossy Heap Blocks"], narrow["Lossy Heap Blocks"]) == (128, 32)
    assert wide["Actual Rows"] == narrow["Actual Rows"]
    assert brin_summaries(conn, "events_created_at_brin16") == 36  # "36 instead of 5"
    # "both fit in the one data page of a 24 kB index"
    assert done.rows("AS size")[0] == [("24 kB",)]
    conn.execute("CREATE INDEX events_created_at_brin ON events USING brin (created_at)")
    for index in ("events_created_at_brin", "events_created_at_brin16"):
        types = conn.execute(
            "SELECT brin_page_type(get_raw_page(%s, b)) FROM generate_series(0, 2) AS b", (index,)
        ).fetchall()
        assert types == [("meta",), ("revmap",), ("regular",)]
        assert scalar(conn, "SELECT pg_relation_size(%s::regclass)", (index,)) == 3 * 8192


def test_brin_minmax_multi_copes_with_outliers(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/brin-outliers.sql")
    minmax, multi = done.plans
    (((ranges_shown,),),) = done.rows("block_ranges")
    relpages = scalar(conn, "SELECT relpages FROM pg_class WHERE relname = 'events_clock'")
    assert uses_index(minmax, "events_clock_minmax") and uses_index(multi, "events_clock_multi")
    assert _heap(minmax)["Lossy Heap Blocks"] == relpages  # every page of the table
    assert ranges_shown == 3
    assert _heap(multi)["Lossy Heap Blocks"] == 128  # one range
    assert _heap(minmax)["Actual Rows"] == _heap(multi)["Actual Rows"]
    # "Eighty events dated 2000, one in 500", in every block range
    ranges = conn.execute(
        "SELECT DISTINCT (ctid::text::point)[0]::int / 128 FROM events_clock "
        "WHERE created_at = '2000-01-01'"
    ).fetchall()
    assert scalar(conn, "SELECT count(*) FROM events_clock WHERE created_at < '2001-01-01'") == 80
    assert len(ranges) == 3


def test_hash_index_serves_equality_only(new_pg_db):
    conn = new_pg_db("sample")
    equal, ranged, ordered = replay(conn, "postgres/indexing/hash.sql").plans
    # "short keys such as these 32-character tokens"
    widths = conn.execute("SELECT DISTINCT length(token) FROM sessions").fetchall()
    assert widths == [(32,)]
    assert uses_index(equal, "sessions_token_idx")
    assert not index_names(ranged)
    assert not index_names(ordered) and has_node(ordered, "Sort")


def test_hash_index_cannot_be_unique(new_pg_db):
    conn = new_pg_db("sample")
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="unique"):
        replay(conn, "postgres/indexing/hash-unique.sql")


def test_hash_exclusion_constraint_enforces_uniqueness(new_pg_db):
    conn = new_pg_db("sample")
    replay_until_error(
        conn, "postgres/indexing/hash-exclude.sql", psycopg.errors.ExclusionViolation
    )


# --- maintenance -------------------------------------------------------------------------------


def test_usage_query_names_the_right_columns(new_pg_db):
    conn = new_pg_db("sample")
    rows = replay(conn, "postgres/indexing/usage.sql").results[-1][1]
    assert ("public", "orders", "orders_pkey") in {r[:3] for r in rows}
    columns = {
        r[0]
        for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'pg_stat_user_indexes'::regclass"
        )
    }
    assert {"relname", "indexrelname"} <= columns
    assert not {"tablename", "indexname"} & columns  # the original brief's names


def test_idx_scan_counts_the_searches_of_the_index(new_pg_db):
    """ "idx_scan counts searches of the index": one Index Scan node of `id IN (5, 500, 5000)`
    counts 3; `IN (5, 6, 7)` counts 3 on 15 and 1 from 17, where values on one leaf page
    share a search."""
    conn = new_pg_db("sample")
    conn.execute("SET enable_seqscan = off")
    conn.execute("SET enable_bitmapscan = off")
    scans = "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'orders_pkey'"
    counted = {}
    for ids in ("5", "5, 500, 5000", "5, 6, 7"):
        query = f"SELECT * FROM orders WHERE id IN ({ids})"
        assert node_types(explain(conn, query)) == ["Index Scan"]
        before = flushed_stats(conn, scans)[0]
        conn.execute(query).fetchall()
        counted[ids] = flushed_stats(conn, scans)[0] - before
    adjacent = 3 if conn.info.server_version < 170000 else 1
    assert counted == {"5": 1, "5, 500, 5000": 3, "5, 6, 7": adjacent}


def test_a_standby_counts_its_own_index_scans(primary_and_replica):
    """ "Each replica keeps its own, and an index used only by queries on a replica shows zero
    scans on the primary"."""
    from playbooks.engines.replica import wait_replayed

    scans = "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'lookups_pkey'"
    p, r = primary_and_replica
    p.execute("CREATE TABLE lookups (id int PRIMARY KEY)")
    p.execute("INSERT INTO lookups SELECT generate_series(1, 1000)")
    wait_replayed(p, r)
    r.execute("SET enable_seqscan = off")
    assert r.execute("SELECT id FROM lookups WHERE id = 7").fetchall() == [(7,)]
    assert (flushed_stats(r, scans)[0], flushed_stats(p, scans)[0]) == (1, 0)


def test_unused_query_lists_unscanned_indexes_that_enforce_nothing(new_pg_db):
    conn = new_pg_db("sample")
    assert (
        replay(conn, "postgres/indexing/unused.sql").results[0][1] == []
    )  # the sample: constraints only
    conn.execute("CREATE INDEX orders_status_idx ON orders (status)")
    conn.execute(
        "ALTER TABLE sessions ADD CONSTRAINT sessions_token_excl EXCLUDE USING hash (token WITH =)"
    )
    conn.execute("SELECT pg_stat_reset()")
    conn.execute("SELECT pg_stat_force_next_flush()")
    found = {r[2] for r in replay(conn, "postgres/indexing/unused.sql").results[0][1]}
    assert "orders_status_idx" in found
    # an exclusion constraint's index is not unique, and is still left out
    assert not scalar(
        conn, "SELECT indisunique FROM pg_index WHERE indexrelid = 'sessions_token_excl'::regclass"
    )
    assert "sessions_token_excl" not in found
    unique = {
        r[0]
        for r in conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index AS i JOIN pg_class AS c "
            "ON c.oid = i.indexrelid WHERE i.indisunique AND c.relnamespace = 'public'::regnamespace"
        )
    }
    assert unique and not unique & found
    # one scan, and it is no longer "unused"
    conn.execute("SET enable_seqscan = off")
    conn.execute("SELECT count(*) FROM orders WHERE status = 'cancelled'")
    conn.execute("RESET enable_seqscan")
    conn.execute("SELECT pg_stat_force_next_flush()")
    found = {r[2] for r in replay(conn, "postgres/indexing/unused.sql").results[0][1]}
    assert "orders_status_idx" not in found


def test_missing_index_query_finds_tables_read_by_sequential_scans(new_pg_db):
    conn = new_pg_db("sample")
    found = {r[1] for r in replay(conn, "postgres/indexing/missing.sql").results[-1][1]}
    assert {"orders", "events_archive"} <= found
    assert "customers" not in found


def test_counters_that_the_original_missing_index_query_relies_on(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, "postgres/indexing/missing.sql")
    idx_scan = scalar(
        conn, "SELECT idx_scan FROM pg_stat_user_tables WHERE relname = 'events_archive'"
    )
    assert idx_scan is None  # so `idx_scan < seq_scan` is NULL, and the row is dropped
    # n_live_tup starts from zero in a database created from a template, and after a reset
    fresh = new_pg_db("sample")
    live, reltuples = fresh.execute(
        "SELECT s.n_live_tup, c.reltuples FROM pg_stat_user_tables AS s "
        "JOIN pg_class AS c ON c.oid = s.relid WHERE s.relname = 'orders'"
    ).fetchone()
    assert live == 0 and reltuples > 10000
    fresh.execute("ANALYZE orders")
    assert (
        flushed_stats(fresh, "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'orders'")[
            0
        ]
        > 10000
    )
    fresh.execute("SELECT pg_stat_reset()")
    assert scalar(fresh, "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'orders'") == 0


def test_failed_concurrent_unique_build_leaves_an_invalid_index(new_pg_db):
    conn = new_pg_db("sample")
    with pytest.raises(psycopg.errors.UniqueViolation):
        replay(conn, "postgres/indexing/invalid-build.sql")
    find, drop = statements("postgres/indexing/invalid.sql")
    rows = conn.execute(find).fetchall()
    assert [(str(r[0]), r[2]) for r in rows] == [("sessions_user_id_key", False)]
    plan = conn.execute("EXPLAIN (FORMAT JSON) SELECT * FROM sessions WHERE user_id = 42")
    assert not uses_index(plan.fetchone()[0][0]["Plan"], "sessions_user_id_key")
    with pytest.raises(psycopg.errors.DuplicateTable):  # it still holds the name
        conn.execute("CREATE INDEX CONCURRENTLY sessions_user_id_key ON sessions (user_id)")
    conn.execute(drop)
    assert conn.execute(find).fetchall() == []


NEW_SESSIONS = (
    "INSERT INTO sessions (user_id, token, expires_at) "
    "SELECT user_id, md5(token), expires_at FROM sessions"
)


def test_index_that_never_became_ready_costs_writes_nothing(new_pg_db):
    conn = new_pg_db("sample")
    with pytest.raises(psycopg.errors.UniqueViolation):
        replay(conn, "postgres/indexing/invalid-build.sql")
    index = "'sessions_user_id_key'::regclass"
    ready = f"SELECT indisready FROM pg_index WHERE indexrelid = {index}"
    assert scalar(conn, ready) is False
    assert scalar(conn, f"SELECT pg_relation_size({index})") == 0
    conn.execute(NEW_SESSIONS)  # writes skip it: it stays empty
    assert scalar(conn, f"SELECT pg_relation_size({index})") == 0


def test_invalid_but_ready_unique_index_is_maintained_and_enforced(new_pg_db, capsys):
    conn = new_pg_db("sample")
    run_python("postgres/indexing/invalid-ready.py", conn=conn)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("CREATE UNIQUE INDEX CONCURRENTLY: 55P03")  # lock_not_available
    sizes = [size_bytes(line.rsplit("size=", 1)[1]) for line in printed[1:3]]
    assert 0 < sizes[0] < sizes[1]  # every insert went into the invalid index
    assert printed[3].startswith("INSERT of an existing token: 23505")  # unique_violation
    index = "'sessions_token_key'::regclass"
    flags = f"SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = {index}"
    assert conn.execute(flags).fetchone() == (False, True)
    # every row, the 5,000 new ones included, has its entry
    conn.execute("CREATE EXTENSION pageinspect")
    entries = btree_entries(conn, "sessions_token_key")
    assert entries == scalar(conn, "SELECT count(*) FROM sessions") == 10000
    # the planner ignores it, even when told to avoid the table scan
    conn.execute("SET enable_seqscan = off")
    token = scalar(conn, "SELECT token FROM sessions WHERE id = 1")
    plan = explain(conn, "SELECT id FROM sessions WHERE token = %s", (token,))
    assert "sessions_token_key" not in index_names(plan)
    conn.execute("RESET enable_seqscan")
    # and it still enforces uniqueness, for an UPDATE as well
    with pytest.raises(psycopg.errors.UniqueViolation, match="sessions_token_key"):
        conn.execute("UPDATE sessions SET token = %s WHERE id = 2", (token,))


def test_reindex_concurrently_shrinks_a_bloated_index(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/reindex.sql")
    before = size_bytes(done.rows("before_delete")[0][0][0])
    vacuumed = size_bytes(done.rows("after_vacuum")[0][0][0])
    rebuilt = size_bytes(done.rows("after_reindex")[0][0][0])
    assert vacuumed >= 0.9 * before
    assert rebuilt < 0.5 * vacuumed


def test_reindex_concurrently_refuses_a_transaction_block(new_pg_db):
    conn = new_pg_db("sample")
    with pytest.raises(psycopg.errors.ActiveSqlTransaction):
        replay(conn, "postgres/indexing/reindex-in-transaction.sql")


@pytest.mark.parametrize(
    "build",
    [
        "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)",
        statements("postgres/indexing/reindex-in-transaction.sql")[
            -1
        ],  # REINDEX INDEX CONCURRENTLY
    ],
    ids=["create", "reindex"],
)
def test_concurrent_builds_let_reads_and_writes_through(new_pg_db, build):
    builder = new_pg_db("sample")
    dbname = builder.info.dbname
    holder = psycopg.connect(builder.info.dsn, autocommit=True)
    writer = psycopg.connect(builder.info.dsn, autocommit=True)
    try:
        # An open writing transaction makes the concurrent build wait, holding its table lock.
        holder.execute("BEGIN")
        holder.execute("INSERT INTO orders (customer_id, status, total) VALUES (2, 'pending', 5)")
        pid = builder.info.backend_pid
        running = Background(builder, build)
        lock_waits(writer, pid)  # the concurrent build waits for the open transaction
        held = {
            r[0]
            for r in writer.execute(
                "SELECT mode FROM pg_locks WHERE pid = %s AND granted AND relation = "
                "'orders'::regclass AND database = (SELECT oid FROM pg_database "
                "WHERE datname = %s)",
                (pid, dbname),
            )
        }
        assert held == {"ShareUpdateExclusiveLock"}
        writer.execute("SET lock_timeout = '2s'")
        writer.execute("INSERT INTO orders (customer_id, status, total) VALUES (1, 'pending', 10)")
        assert scalar(writer, "SELECT count(*) FROM orders") > 0
        holder.execute("COMMIT")
        assert running.join(10) is None  # finished, without an error
        assert scalar(
            writer, "SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid = 'orders'::regclass"
        )
    finally:
        holder.close()
        writer.close()


def test_hypopg_index_is_planned_but_never_built(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/indexing/hypopg.sql")
    planned, executed = done.plans
    (name,) = index_names(planned)
    assert re.fullmatch(r"<\d+>btree_orders_customer_id", name)
    assert done.rows("real_indexes")[0] == [(1,)]  # orders_pkey only
    assert not index_names(executed)
    # the estimated size the page shows for each version
    size = done.rows("estimated_size")[0][0][1]
    assert size == ("560 kB" if conn.info.server_version // 10000 >= 18 else "608 kB")
    # PostgreSQL 18 reports buffers under EXPLAIN ANALYZE by default; 15 and 17 only when asked
    assert ("Shared Hit Blocks" in executed) == (conn.info.server_version // 10000 >= 18)
    # another session does not see this session's hypothetical index
    replay(conn, "postgres/indexing/hypopg.sql", upto=1)
    with psycopg.connect(conn.info.dsn, autocommit=True) as other:
        query = statements("postgres/indexing/hypopg.sql")[1].removeprefix("EXPLAIN (COSTS OFF) ")
        assert not index_names(explain(other, query))
    assert index_names(explain(conn, query))


# --- MariaDB -----------------------------------------------------------------------------------


def _mariadb_explain(conn: Any, path: str) -> list[dict]:
    """Run a MariaDB snippet; the EXPLAIN rows (as dicts) of each EXPLAIN statement."""
    plans = []
    with conn.cursor() as cur:
        for text in statements(path):
            cur.execute(text)
            if text.upper().startswith("EXPLAIN"):
                names = [d[0] for d in cur.description]
                plans.append([dict(zip(names, row, strict=True)) for row in cur.fetchall()])
            elif cur.description:
                cur.fetchall()
    return plans


def test_mariadb_virtual_column_index_serves_only_queries_naming_it(mariadb_conn):
    from playbooks.runner import server_version

    named, status = _mariadb_explain(mariadb_conn, "mariadb/indexing/virtual-column-index.sql")
    if server_version(mariadb_conn)[0] == "mysql":  # MySQL 9.7 explains as a tree by default
        assert (
            named[0]["EXPLAIN"]
            .splitlines()[2]
            .strip()
            .startswith("-> Covering index range scan on orders using orders_pending_since_idx")
        )
        assert "-> Table scan on orders" in status[0]["EXPLAIN"]
        assert "Sort: orders.created_at" in status[0]["EXPLAIN"]
    else:
        assert named[0]["key"] == "orders_pending_since_idx"
        assert status[0]["key"] is None and "Using filesort" in status[0]["Extra"]


def _mariadb_results(
    conn: Any, path: str, start: int = 0, upto: int | None = None
) -> list[tuple[str, list]]:
    """Run a MariaDB snippet's statements [start:upto]; each with the rows it returned."""
    done = []
    with conn.cursor() as cur:
        for text in statements(path)[start:upto]:
            cur.execute(text)
            done.append((text, list(cur.fetchall()) if cur.description else []))
    return done


def _leading_indexes(conn: Any, table: str, column: str) -> set[str]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE()"
            " AND table_name = %s AND column_name = %s AND seq_in_index = 1",
            (table, column),
        )
        return {r[0] for r in cur.fetchall()}


def test_innodb_creates_an_index_for_a_foreign_key(mariadb_conn):
    from playbooks.runner import server_version

    path = "mariadb/indexing/fk-creates-index.sql"
    (add_fk,) = [i for i, s in enumerate(statements(path)) if "FOREIGN KEY" in s]
    _mariadb_results(mariadb_conn, path, upto=add_fk)
    assert not _leading_indexes(mariadb_conn, "orders", "customer_id")  # none before
    done = _mariadb_results(mariadb_conn, path, start=add_fk)
    shown = done[-1][1]
    assert ("PRIMARY", "id") in shown
    (created,) = _leading_indexes(mariadb_conn, "orders", "customer_id")
    assert (created, "customer_id") in shown
    if server_version(mariadb_conn)[0] == "mariadb":
        assert created == "orders_customer_id_fkey"  # "named after the constraint"
        # an index of your own on the same columns replaces it
        with mariadb_conn.cursor() as cur:
            cur.execute("CREATE INDEX orders_customer_id_idx ON orders (customer_id)")
        assert _leading_indexes(mariadb_conn, "orders", "customer_id") == {"orders_customer_id_idx"}


def test_innodb_secondary_index_carries_the_primary_key(mariadb_conn):
    from playbooks.runner import server_version

    covered, to_rows = _mariadb_explain(mariadb_conn, "mariadb/indexing/clustered-pk.sql")
    if server_version(mariadb_conn)[0] == "mysql":  # MySQL 9.7 explains as a tree by default
        tree = covered[0]["EXPLAIN"]
        assert "Covering index lookup on orders using orders_status_idx" in tree
        assert "Sort" not in tree
        assert "Covering index" not in to_rows[0]["EXPLAIN"]
    else:
        extra = covered[0]["Extra"].split("; ")
        assert covered[0]["key"] == "orders_status_idx"
        assert "Using index" in extra and "Using filesort" not in extra
        assert "Using index" not in to_rows[0]["Extra"].split("; ")
