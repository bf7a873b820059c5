"""The claims of docs/phases/query-optimization.md, asserted on the snippet files the page shows.

SQL snippets are replayed statement by statement, as the example runner runs them; an EXPLAIN is
run with FORMAT JSON added to its options, so the plan asserted here is the plan of the very
query on the page. Python snippets are executed as the runner executes them, and their
namespace (functions, counters) is then used to check what they claim, with the statement
counts taken a second time, independently, from pg_stat_statements.

Evidence is deterministic wherever possible: plan shapes, row counts, page counts (buffers),
statement counts. The one timing claim (OFFSET against keyset) is a ratio of medians measured
in the same database in the same run, with a generous threshold.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from typing import Any

import psycopg
import pytest

from playbooks.replay import replay, run_python, scalar, statements
from playbooks.sql import explain, index_names, node_types, plan_nodes


def node(plan: dict, node_type: str, relation: str | None = None) -> dict:
    found = [
        n
        for n in plan_nodes(plan)
        if n["Node Type"] == node_type and relation in (None, n.get("Relation Name"))
    ]
    assert len(found) == 1, f"expected one {node_type} node, plan has {node_types(plan)}"
    return found[0]


def pages(n: dict) -> int:
    return n.get("Shared Hit Blocks", 0) + n.get("Shared Read Blocks", 0)


def shape(plan: dict) -> list[tuple]:
    return [
        (n["Node Type"], n.get("Relation Name"), n.get("Index Name"), n.get("Join Type"))
        for n in plan_nodes(plan)
    ]


def reset_statement_stats(conn: Any) -> None:
    conn.execute(
        "SELECT pg_stat_statements_reset(0, "
        "(SELECT oid FROM pg_database WHERE datname = current_database()), 0)"
    )


def calls(conn: Any, pattern: str) -> int:
    """How many times statements matching `pattern` (SQL LIKE) ran in this database."""
    return scalar(
        conn,
        "SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements "
        "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND query LIKE %s AND query NOT LIKE '%%pg_stat_statements%%'",
        [pattern],
    )


# --- reading EXPLAIN (ANALYZE, BUFFERS) -------------------------------------------------------


def test_explain_analyze_figures_mean_what_the_page_says(new_pg_db):
    conn = new_pg_db("sample")
    [plan] = replay(conn, "postgres/query-optimization/explain-analyze.sql").plans
    assert node_types(plan) == ["Nested Loop", "Seq Scan", "Index Scan"]
    scan = node(plan, "Seq Scan", "orders")
    lines = node(plan, "Index Scan", "order_items")
    assert lines["Index Name"] == "order_items_pkey"
    # 20,000 rows read to return 11
    assert scan["Actual Rows"] == 11
    assert scan["Rows Removed by Filter"] == 19989
    assert scan["Actual Rows"] + scan["Rows Removed by Filter"] == 20000
    # the estimate: 10 expected, 11 found
    assert scan["Plan Rows"] == 10
    # the inner index scan ran once per order; its rows are per loop, rounded
    assert lines["Actual Loops"] == scan["Actual Rows"] == 11
    if conn.info.server_version // 10000 >= 18:  # two decimals, and the index searches
        assert lines["Actual Rows"] == 2.82 and lines["Index Searches"] == 11
    else:  # rounded to a whole row
        assert lines["Actual Rows"] == 3 and "Index Searches" not in lines
    total_lines = scalar(
        conn,
        "SELECT count(*) FROM order_items i JOIN orders o ON o.id = i.order_id "
        "WHERE o.customer_id = 123",
    )
    assert plan["Actual Rows"] == total_lines == 31
    # cold database: the sequential scan read every page of orders, none was in shared buffers
    relpages = scalar(conn, "SELECT relpages FROM pg_class WHERE relname = 'orders'")
    assert (scan["Shared Read Blocks"], scan["Shared Hit Blocks"]) == (relpages, 0) == (200, 0)
    # a parent's buffers include its children's
    assert pages(plan) == pages(scan) + pages(lines) == 233
    # the brief's status = 'completed' is not a status the schema allows
    check = scalar(
        conn,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'orders_status_check'",
    )
    assert "'delivered'" in check and "'completed'" not in check


def test_explain_analyze_executes_the_statement_so_writes_need_a_rollback(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/query-optimization/explain-analyze-writes.sql")
    [plan] = done.plans
    assert plan["Node Type"] == "ModifyTable" and plan["Operation"] == "Delete"
    assert node(plan, "Seq Scan")["Actual Rows"] == 750  # the DELETE really found 750 rows
    assert done.rows("still_there")[0] == [(750,)]  # and ROLLBACK kept them


# --- the common problems ------------------------------------------------------------------------


def test_the_foreign_key_index_replaces_the_sequential_scan(new_pg_db):
    conn = new_pg_db("sample")
    [plan] = replay(conn, "postgres/query-optimization/seq-scan-fixed.sql").plans
    assert "Seq Scan" not in node_types(plan)
    assert index_names(plan) == {"orders_customer_id_idx", "order_items_pkey"}
    assert plan["Actual Rows"] == 31  # the same rows
    assert pages(plan) == 49  # "49 pages instead of 233"


def test_a_second_run_finds_the_pages_in_shared_buffers(new_pg_db):
    conn = new_pg_db("sample")
    first, second = replay(conn, "postgres/query-optimization/buffers-warm.sql").plans
    assert (first["Shared Read Blocks"], first["Shared Hit Blocks"]) == (200, 0)
    assert (second["Shared Read Blocks"], second["Shared Hit Blocks"]) == (0, 200)
    assert first["Actual Rows"] == second["Actual Rows"] == 11
    # pg_stat_statements keeps the same counters per statement (EXPLAIN ANALYZE runs included)
    hit, read = conn.execute(
        "SELECT sum(shared_blks_hit), sum(shared_blks_read) FROM pg_stat_statements "
        "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND query LIKE 'EXPLAIN (ANALYZE, BUFFERS%SELECT id, total FROM orders%'"
    ).fetchone()
    assert hit >= 200 and read >= 200


def test_a_numeric_value_turns_the_bigint_column_into_numeric(new_pg_db):
    conn = new_pg_db("sample")
    bigint, literal, parameter = replay(conn, "postgres/query-optimization/type-mismatch.sql").plans
    assert index_names(bigint) == {"orders_pkey"}
    for plan in (literal, parameter):
        assert node_types(plan) == ["Seq Scan"]
        assert plan["Filter"].startswith("((id)::numeric = ")


def test_a_text_value_against_citext_skips_the_index_and_finds_nothing(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/query-optimization/citext-mismatch.sql")
    untyped, as_text = done.plans
    found, not_found = done.rows("SELECT id FROM customers")
    assert index_names(untyped) == {"customers_email_idx"} and found == [(2,)]
    assert node_types(as_text) == ["Seq Scan"] and "(email)::text" in as_text["Filter"]
    assert not_found == []
    # psycopg 3 sends a Python str untyped: the citext plan, and the customer is found
    query = "SELECT id FROM customers WHERE email = %s"
    value = ["SOPHIE.LISKOV2@example.com"]
    plan = conn.execute("EXPLAIN (FORMAT JSON) " + query, value).fetchone()[0][0]["Plan"]
    assert index_names(plan) == {"customers_email_idx"}
    assert conn.execute(query, value).fetchall() == [(2,)]


def test_a_comparison_under_another_collation_cannot_use_the_index(new_pg_db):
    conn = new_pg_db("sample")
    default, other, indexed = replay(
        conn, "postgres/query-optimization/collation-mismatch.sql"
    ).plans
    assert scalar(conn, "SELECT datcollate FROM pg_database WHERE datname = current_database()")
    assert index_names(default) == {"users_email_key"}
    assert node_types(other) == ["Seq Scan"]
    assert index_names(indexed) == {"users_email_c_idx"}


def test_a_sort_spills_to_disk_under_a_small_work_mem_but_not_with_a_limit(new_pg_db):
    conn = new_pg_db("sample")
    full, limited, deep, default = (
        node(p, "Sort") for p in replay(conn, "postgres/query-optimization/sort-spill.sql").plans
    )
    assert (full["Sort Method"], full["Sort Space Type"]) == ("external merge", "Disk")
    assert (limited["Sort Method"], limited["Sort Space Type"]) == ("top-N heapsort", "Memory")
    assert (deep["Sort Method"], deep["Sort Space Type"]) == ("external merge", "Disk")
    assert deep["Actual Rows"] == 10020  # OFFSET + LIMIT rows kept
    assert (default["Sort Method"], default["Sort Space Type"]) == ("quicksort", "Memory")
    assert scalar(conn, "SHOW work_mem") == "4MB"  # the default, after RESET


def test_an_index_in_the_sort_order_removes_the_sort(new_pg_db):
    conn = new_pg_db("sample")
    [plan] = replay(conn, "postgres/query-optimization/sort-index.sql").plans
    assert node_types(plan) == ["Limit", "Index Scan"]
    scan = node(plan, "Index Scan")
    assert (scan["Index Name"], scan["Scan Direction"]) == ("orders_total_idx", "Backward")
    assert scan["Actual Rows"] == 20


def test_stale_statistics_misestimate_until_analyze(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/query-optimization/stale-statistics.sql")
    [(live, modified, analysed)] = done.rows("n_mod_since_analyze")[0]
    assert (live, modified, analysed) == (69903, 29903, True)
    before, after = done.plans
    scan = node(before, "Index Scan", "events")
    assert (scan["Plan Rows"], scan["Actual Rows"]) == (1, 29903)
    assert node_types(before) == ["Aggregate", "Sort", "Index Scan"]
    assert before["Strategy"] == "Sorted"  # GroupAggregate
    bitmap = node(after, "Bitmap Heap Scan", "events")
    assert abs(bitmap["Plan Rows"] - 29903) / 29903 < 0.05  # "within a few percent"
    assert after["Node Type"] == "Aggregate" and after["Strategy"] == "Hashed"
    assert "Sort" not in node_types(after)


# --- correlated columns: extended statistics ------------------------------------------------------

CORRELATED = "postgres/query-optimization/correlated-columns.sql"
DEPENDENCIES = "postgres/query-optimization/extended-statistics.sql"
LYON_FR = "SELECT id FROM customers WHERE city = 'Lyon' AND country = 'FR'"


def customers_where(conn: Any, condition: str) -> int:
    return scalar(conn, f"SELECT count(*) FROM customers WHERE {condition}")


def estimate(conn: Any, query: str) -> float:
    """The planner's row estimate for `query`, without running it."""
    return explain(conn, query)["Plan Rows"]


def n_distinct(conn: Any, column: str) -> float:
    return scalar(
        conn,
        "SELECT n_distinct FROM pg_stats WHERE tablename = 'customers' AND attname = %s",
        [column],
    )


def test_correlated_columns_are_underestimated_whatever_the_statistics_target(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, CORRELATED)
    # each column's statistics are exact: ANALYZE sampled all 2,000 rows (fewer than 300 x 100)
    assert scalar(conn, "SHOW default_statistics_target") == "100"
    assert customers_where(conn, "true") == 2000
    lyon, france = customers_where(conn, "city = 'Lyon'"), customers_where(conn, "country = 'FR'")
    assert (lyon, france) == (52, 113)
    [frequencies] = done.rows("most_common_freqs")
    assert frequencies == [("city", "Lyon", 0.026), ("country", "FR", 0.0565)]
    assert (lyon / 2000, france / 2000) == (0.026, 0.0565)
    # the city determines the country: the second condition removes nothing
    assert customers_where(conn, "city = 'Lyon' AND country = 'FR'") == lyon
    countries_per_city = (
        "SELECT count(DISTINCT country) FROM customers WHERE city IS NOT NULL GROUP BY city"
    )
    assert {n for (n,) in conn.execute(countries_per_city)} == {1}
    [plan] = done.plans
    assert node_types(plan) == ["Nested Loop", "Seq Scan", "Index Scan"]
    scan = node(plan, "Seq Scan", "customers")
    # the planner multiplies the two fractions: 2,000 x 0.026 x 0.0565 = 2.9
    assert scan["Plan Rows"] == round(2000 * 0.026 * 0.0565) == 3
    assert scan["Actual Rows"] == 52 and scan["Plan Rows"] < scan["Actual Rows"] / 10
    lookups = node(plan, "Index Scan", "orders")
    assert lookups["Index Name"] == "orders_customer_id_idx"
    assert lookups["Actual Loops"] == 52  # one index look-up per customer, planned for 3
    assert (plan["Plan Rows"], plan["Actual Rows"]) == (30, 551)  # the join inherits the error
    # the common advice: a statistics target of 1000 for both columns, and the same estimate
    [target] = replay(conn, "postgres/query-optimization/statistics-target.sql").plans
    targets = conn.execute(
        "SELECT attname, attstattarget FROM pg_attribute "
        "WHERE attrelid = 'customers'::regclass AND attname IN ('city', 'country')"
    ).fetchall()
    assert dict(targets) == {"city": 1000, "country": 1000}
    [shown] = [q for q in statements(CORRELATED) if "most_common_freqs" in q]
    assert conn.execute(shown).fetchall() == frequencies  # analysed again: the same fractions
    assert (target["Plan Rows"], target["Actual Rows"]) == (3, 52)


def test_dependencies_correct_the_estimate_and_the_join_is_planned_again(new_pg_db):
    conn = new_pg_db("sample")
    [before] = replay(conn, CORRELATED).plans
    # the statistics object does nothing until ANALYZE has filled it
    replay(conn, DEPENDENCIES, upto=1)
    assert estimate(conn, LYON_FR) == 3
    conn.execute("DROP STATISTICS customers_city_country")
    done = replay(conn, DEPENDENCIES)
    [after] = done.plans
    # pg_stats_ext names the columns by number: 7 is city, 8 is country
    attnums = conn.execute(
        "SELECT attname, attnum FROM pg_attribute "
        "WHERE attrelid = 'customers'::regclass AND attname IN ('city', 'country')"
    ).fetchall()
    assert dict(attnums) == {"city": 7, "country": 8}
    [[(dependencies,)]] = done.rows("pg_stats_ext")
    degrees = json.loads(dependencies)
    # country => city: the share of customers whose country has a single city in the table
    two_cities = customers_where(conn, "country IN ('FR', 'DE')")
    assert degrees == {"7 => 8": 1.0, "8 => 7": pytest.approx(1 - two_cities / 2000)}
    assert degrees["8 => 7"] == pytest.approx(0.8805)
    scan = node(after, "Seq Scan", "customers")
    assert scan["Plan Rows"] == scan["Actual Rows"] == 52  # within a factor of 2, and exact
    assert (after["Plan Rows"], after["Actual Rows"]) == (520, 551)
    assert after["Actual Rows"] == before["Actual Rows"]  # the same rows, by another plan
    # the plan for 52 customers: a hash join over one sequential scan of orders
    assert after["Node Type"] == "Hash Join" and "Nested Loop" not in node_types(after)
    assert node(after, "Seq Scan", "orders")["Actual Loops"] == 1
    assert not index_names(after)


def test_mcv_knows_absent_pairs_and_ndistinct_counts_the_groups(new_pg_db):
    conn = new_pg_db("sample")
    replay(conn, CORRELATED)
    replay(conn, DEPENDENCIES)
    absent, groups, absent_mcv, groups_ndistinct = replay(
        conn, "postgres/query-optimization/extended-statistics-mcv.sql"
    ).plans
    # dependencies only: Lyon in Germany is estimated like Lyon, and no row matches
    assert (absent["Plan Rows"], absent["Actual Rows"]) == (52, 0)
    # the group count is the product of each column's distinct count
    assert (n_distinct(conn, "city"), n_distinct(conn, "country")) == (10, 8)
    assert groups["Plan Rows"] == 10 * 8
    assert groups["Actual Rows"] == 11 and groups["Plan Rows"] > 5 * groups["Actual Rows"]
    # 11 groups: ten cities, and the customers outside Europe, who have neither column
    assert (
        scalar(conn, "SELECT count(*) FROM (SELECT DISTINCT city, country FROM customers) d") == 11
    )
    assert customers_where(conn, "city IS NULL AND country IS NULL") == customers_where(
        conn, "region <> 'EU'"
    )
    # mcv: an absent pair is rare, 1 row (the least the planner estimates); ndistinct: 11 groups
    assert (absent_mcv["Plan Rows"], absent_mcv["Actual Rows"]) == (1, 0)
    assert groups_ndistinct["Plan Rows"] == groups_ndistinct["Actual Rows"] == 11
    assert node_types(groups) == node_types(groups_ndistinct) == ["Aggregate", "Seq Scan"]
    assert groups["Strategy"] == groups_ndistinct["Strategy"] == "Hashed"
    # all 11 pairs fit in the MCV list, whose length is bounded by the statistics target (100)
    mcv_items = scalar(
        conn,
        "SELECT count(*) FROM pg_statistic_ext AS s "
        "JOIN pg_statistic_ext_data AS d ON d.stxoid = s.oid, pg_mcv_list_items(d.stxdmcv) "
        "WHERE s.stxname = 'customers_city_country'",
    )
    assert mcv_items == 11
    # without a list of kinds, CREATE STATISTICS builds all three
    conn.execute("CREATE STATISTICS customers_all_kinds ON city, country FROM customers")
    kinds = scalar(
        conn, "SELECT stxkind::text FROM pg_statistic_ext WHERE stxname = 'customers_all_kinds'"
    )
    assert kinds == "{d,f,m}"
    # one table per statistics object
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        conn.execute("CREATE STATISTICS customers_orders ON city, status FROM customers, orders")


# --- optimizations ---------------------------------------------------------------------------------


def test_the_briefs_covering_index_still_reads_the_table(new_pg_db):
    conn = new_pg_db("sample")
    star, listed = replay(conn, "postgres/query-optimization/covering-without-id.sql").plans
    for plan in (star, listed):
        assert "Index Only Scan" not in node_types(plan)
        assert node(plan, "Bitmap Heap Scan")["Exact Heap Blocks"] == 11
    conn2 = new_pg_db("sample")
    [covering] = replay(conn2, "postgres/query-optimization/covering.sql").plans
    assert node_types(covering) == ["Index Only Scan"]
    assert covering["Index Name"] == "orders_customer_id_covering_idx"
    assert covering["Heap Fetches"] == 0
    assert covering["Actual Rows"] == 11
    assert pages(covering) < pages(listed) / 2  # "a handful of index pages"


def test_lower_email_needs_the_expression_index(new_pg_db):
    conn = new_pg_db("sample")
    file = scalar(conn, "SELECT pg_relation_filenode('users')")
    bad, good = replay(conn, "postgres/query-optimization/lower-email.sql").plans
    assert node_types(bad) == ["Seq Scan"]
    assert index_names(good) == {"users_email_lower_idx"}
    # the expression index leaves the table as it was: same file, no new column
    assert scalar(conn, "SELECT pg_relation_filenode('users')") == file


def test_the_generated_column_rewrites_the_table_and_serves_only_its_own_name(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/query-optimization/lower-email-generated.sql")
    [(rewritten, before, after)] = done.rows("rewritten")[0]
    assert rewritten is True
    pages_before, pages_after = (int(v.removesuffix(" kB")) // 8 for v in (before, after))
    holding_rows = scalar(conn, "SELECT count(DISTINCT (ctid::text::point)[0]) FROM users")
    assert (pages_before, holding_rows) == (26, 35)  # "35 instead of 26", on every version
    if conn.info.server_version // 10000 >= 17:
        assert pages_after == 64  # "512 kB": empty pages at the end of the new file
    else:
        assert pages_after == holding_rows
    conn.execute("VACUUM users")  # truncates the empty pages at the end
    assert scalar(conn, "SELECT pg_relation_size('users') / 8192") == holding_rows
    by_expression, by_column = done.plans
    assert node_types(by_expression) == ["Seq Scan"]
    assert index_names(by_column) == {"users_email_normalized_idx"}


def test_in_and_exists_get_the_same_plan_a_plain_join(new_pg_db):
    conn = new_pg_db("sample")
    with_in, with_exists = replay(conn, "postgres/query-optimization/in-exists.sql").plans
    assert shape(with_in) == shape(with_exists)
    assert with_in["Node Type"] == "Hash Join" and with_in["Join Type"] == "Inner"
    assert not any("SubPlan" in n.get("Parent Relationship", "") for n in plan_nodes(with_in))


def test_not_in_returns_nothing_when_the_subquery_has_a_null(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/query-optimization/not-in.sql")
    assert done.rows("AS not_in")[0] == [(0,)]
    assert done.rows("AS not_exists")[0] == [(385,)]
    assert scalar(conn, "SELECT count(*) FROM customers WHERE user_id IS NULL") > 0
    lacking = scalar(
        conn,
        "SELECT count(*) FROM users u LEFT JOIN customers c ON c.user_id = u.id WHERE c.id IS NULL",
    )
    assert lacking == 385
    not_in, not_exists = done.plans
    assert node_types(not_in) == ["Seq Scan", "Seq Scan"]
    if conn.info.server_version // 10000 >= 17:
        assert not_in["Filter"] == "(NOT (ANY (id = (hashed SubPlan 1).col1)))"
    else:
        assert not_in["Filter"] == "(NOT (hashed SubPlan 1))"
    assert not_exists["Node Type"] == "Hash Join" and not_exists["Join Type"] == "Anti"


def test_not_in_rescans_its_subquery_per_row_when_it_does_not_fit_work_mem(new_pg_db):
    conn = new_pg_db("sample")
    not_in, not_exists = replay(conn, "postgres/query-optimization/not-in-work-mem.sql").plans
    scan = node(not_in, "Seq Scan", "customers")
    assert "Materialize" in node_types(not_in)
    anti = node(not_exists, "Hash Join")
    if conn.info.server_version // 10000 >= 17:
        assert scan["Filter"] == "(NOT (ANY (id = (SubPlan 1).col1)))"  # not hashed
        # the anti-join the other way round: the smaller customers are hashed
        assert anti["Join Type"] == "Right Anti"
        assert node(anti["Plans"][1], "Seq Scan")["Relation Name"] == "customers"
    else:
        assert scan["Filter"] == "(NOT (SubPlan 1))"  # not hashed
        assert anti["Join Type"] == "Anti"
        assert node(anti["Plans"][1], "Seq Scan")["Relation Name"] == "orders"
    # "scanned again for every outer row": the subplan runs once per customer it checks
    plan = conn.execute(
        "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM "
        "(SELECT id FROM customers ORDER BY id LIMIT 50) AS c "
        "WHERE c.id NOT IN (SELECT o.customer_id FROM orders AS o)"
    ).fetchone()[0][0]["Plan"]
    assert node(plan, "Materialize")["Actual Loops"] == 50


def test_not_in_is_hashed_while_the_subquery_fits_twice_work_mem(new_pg_db):
    """The planner hashes the subplan when its estimated size — rows × (width + a 24-byte
    tuple header, each rounded up to 8 bytes) — fits in hash memory: work_mem ×
    hash_mem_multiplier, 2 by default."""
    conn = new_pg_db("sample")
    assert scalar(conn, "SHOW hash_mem_multiplier") == "2"
    sub = explain(conn, "SELECT customer_id FROM orders")
    size_kb = sub["Plan Rows"] * (-(-sub["Plan Width"] // 8) * 8 + 24) / 1024
    query = "SELECT count(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)"

    def hashed(work_mem_kb: float) -> bool:
        conn.execute(f"SET work_mem = '{int(work_mem_kb)}kB'")
        scan = node(explain(conn, query), "Seq Scan", "customers")
        return "hashed SubPlan" in scan["Filter"]

    assert hashed(size_kb * 0.55)  # more than work_mem, less than twice it
    assert not hashed(size_kb * 0.45)


def _execution_ms(conn: Any, query: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        result = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query).fetchone()[0][0]
        times.append(result["Execution Time"])
    return statistics.median(times)


def test_keyset_reads_one_page_where_offset_reads_ten_thousand_rows(new_pg_db):
    conn = new_pg_db("sample")
    [offset_plan] = replay(conn, "postgres/query-optimization/pagination-offset.sql").plans
    [keyset_plan] = replay(
        new_pg_db("sample"), "postgres/query-optimization/pagination-keyset.sql"
    ).plans
    offset_scan, keyset_scan = (node(p, "Index Scan", "orders") for p in (offset_plan, keyset_plan))
    assert offset_scan["Index Name"] == keyset_scan["Index Name"] == "orders_created_at_id_idx"
    assert (offset_scan["Actual Rows"], keyset_scan["Actual Rows"]) == (10020, 20)
    assert pages(keyset_plan) == 3
    assert pages(offset_plan) == (141 if conn.info.server_version // 10000 >= 18 else 179)
    # the same 20 rows, and the boundary row shown on the page is the last of page 500
    offset_q = statements("postgres/query-optimization/pagination-offset.sql")[-1].split(")", 1)[1]
    keyset_q = statements("postgres/query-optimization/pagination-keyset.sql")[-1].split(")", 1)[1]
    assert conn.execute(offset_q).fetchall() == conn.execute(keyset_q).fetchall()
    # "The cost of OFFSET grows with the page number; the keyset's does not": page 251
    half_offset_q = offset_q.replace("OFFSET 10000", "OFFSET 5000")
    boundary = conn.execute(
        "SELECT created_at, id FROM orders ORDER BY created_at DESC, id DESC OFFSET 4999 LIMIT 1"
    ).fetchone()
    half_keyset_q = re.sub(r"\('[^']*', \d+\)", "(%s, %s)", keyset_q)
    half_offset = explain(conn, half_offset_q, analyze=True)
    half_keyset = explain(conn, half_keyset_q, boundary, analyze=True)
    assert node(half_offset, "Index Scan", "orders")["Actual Rows"] == 5020
    assert pages(keyset_plan) < pages(half_offset) < pages(offset_plan)
    assert pages(half_keyset) == pages(keyset_plan) == 3
    # the timing ratio at the deep page, measured here and now
    ratio = _execution_ms(conn, offset_q, 15) / _execution_ms(conn, keyset_q, 15)
    assert ratio > 5, f"keyset only {ratio:.1f}x faster than OFFSET at page 501"


def test_keyset_without_a_tie_breaker_skips_rows_that_share_the_boundary(new_pg_db):
    conn = new_pg_db("sample")
    assert scalar(conn, "SELECT count(DISTINCT created_at) = count(*) FROM orders")
    conn.execute(
        "INSERT INTO orders (customer_id, status, total, created_at, updated_at) "
        "SELECT 1, 'pending', 0, '2030-01-01', '2030-01-01' FROM generate_series(1, 30)"
    )
    newest = "SELECT id, created_at FROM orders ORDER BY created_at DESC, id DESC LIMIT 20"
    first = conn.execute(newest).fetchall()
    last_id, last_at = first[-1]
    brief = conn.execute(
        "SELECT id FROM orders WHERE created_at < %s ORDER BY created_at DESC LIMIT 20",
        [last_at],
    ).fetchall()
    # the page's keyset query, from the boundary row planted above instead of page 500's
    keyset_q = statements("postgres/query-optimization/pagination-keyset.sql")[-1].split(")", 1)[1]
    ours = conn.execute(
        re.sub(r"\('[^']*', \d+\)", "(%s, %s)", keyset_q), [last_at, last_id]
    ).fetchall()
    seen_brief = {i for i, _ in first} | {i for (i,) in brief}
    seen_ours = {i for i, _ in first} | {r[0] for r in ours}
    tied = {i for (i,) in conn.execute("SELECT id FROM orders WHERE created_at = '2030-01-01'")}
    assert len(tied - seen_brief) == 10  # the brief's second page skips the other 10
    assert tied <= seen_ours


def test_the_set_based_update_is_one_statement_where_the_loop_is_a_hundred(new_pg_db):
    conn = new_pg_db("sample")
    reset_statement_stats(conn)
    ns = run_python("python/query-optimization/batch_update.py", conn=conn)
    assert (ns["loop_statements"], ns["batch_statements"], ns["batch_rows"]) == (100, 1, 100)
    # counted again on the server
    assert calls(conn, "UPDATE orders SET status = % WHERE id = $1") == 100
    assert calls(conn, "UPDATE orders SET status = % WHERE id = ANY($1)") == 1
    shipped = "SELECT count(*) FROM orders WHERE id = ANY(%s) AND status = 'shipped'"
    assert scalar(conn, shipped, [ns["paid"]]) == 200
    # the brief's loop body, `WHERE id = id` sent as written, matches every row
    assert conn.execute("UPDATE orders SET updated_at = now() WHERE id = id").rowcount == 20000
    # and the loop is slower, measured here and now (the page quotes the bench script's 8x)
    update = "UPDATE orders SET updated_at = now() WHERE id "
    loop, batch = [], []
    for _ in range(5):
        start = time.perf_counter()
        for order_id in ns["loop_ids"]:
            conn.execute(update + "= %s", [order_id])
        loop.append(time.perf_counter() - start)
        start = time.perf_counter()
        conn.execute(update + "= ANY(%s)", [ns["batch_ids"]])
        batch.append(time.perf_counter() - start)
    ratio = statistics.median(loop) / statistics.median(batch)
    assert ratio > 2, f"the loop of 100 UPDATEs was only {ratio:.1f}x slower than one"


def test_union_all_skips_the_deduplication_and_union_dedups_within_a_branch(new_pg_db):
    conn = new_pg_db("sample")
    done = replay(conn, "postgres/query-optimization/union.sql")
    union, union_all = done.plans
    assert union["Node Type"] in ("Aggregate", "Unique") and "Append" in node_types(union)
    assert union_all["Node Type"] == "Append"
    assert not {"Aggregate", "Unique", "Sort"} & set(node_types(union_all))
    assert done.results[-1][1] == [(2385, 2385)]
    # why they cannot overlap: no account address is at example.net, every guest address is
    assert scalar(conn, "SELECT count(*) FROM users WHERE lower(email) LIKE '%%@example.net'") == 0
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM customers WHERE user_id IS NULL AND email NOT LIKE '%%@example.net'",
        )
        == 0
    )
    [(all_rows, distinct_rows)] = replay(
        conn, "postgres/query-optimization/union-within-branch.sql"
    ).results[-1][1]
    assert distinct_rows < all_rows
    assert distinct_rows == scalar(
        conn,
        "SELECT count(DISTINCT customer_id) FROM orders WHERE status IN ('cancelled', 'pending')",
    )


# --- N+1 -------------------------------------------------------------------------------------------


def test_n_plus_one_join_and_batch_send_51_1_and_2_statements(new_pg_db):
    conn = new_pg_db("sample")
    ns = run_python("python/query-optimization/n_plus_one.py", conn=conn)
    assert {k: len(v) for k, v in ns["results"].items()} == {
        "n_plus_one": 50,
        "joined": 50,
        "batched": 50,
    }
    counted = {}
    for name in ("n_plus_one", "joined", "batched"):
        reset_statement_stats(conn)
        ns[name](conn)
        counted[name] = calls(conn, "%FROM %")
    assert counted == {"n_plus_one": 51, "joined": 1, "batched": 2}


def test_sqlalchemy_lazy_joinedload_and_selectinload_statement_counts(pg_url):
    from sqlalchemy import select
    from sqlalchemy.exc import InvalidRequestError
    from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

    ns = run_python("python/query-optimization/sqlalchemy_eager.py", pg_url=pg_url)
    assert (ns["lazy_count"], ns["joined_count"], ns["selectin_count"]) == (51, 1, 2)
    assert (ns["joined_collection_count"], ns["selectin_collection_count"]) == (1, 2)
    assert (len(ns["selectin"]), ns["selectin_orders"]) == (182, 1822)
    Order, statements, engine = ns["Order"], ns["statements"], ns["engine"]
    assert "LEFT OUTER JOIN customers" in _last_join(ns)
    try:
        # lazy loading queries once per distinct customer: customer 123's 11 orders cost 1 + 1
        with Session(engine) as session:
            statements.clear()
            orders = session.scalars(
                select(Order).where(Order.customer_id == 123).options(lazyload(Order.customer))
            ).all()
            assert len(orders) == 11 and len({o.customer.name for o in orders}) == 1
            assert len(statements) == 2
        # joinedload of a collection without unique() is refused by SQLAlchemy 2.x
        with Session(engine) as session, pytest.raises(InvalidRequestError, match="unique"):
            session.scalars(ns["latam"].options(joinedload(ns["Customer"].orders))).all()
        # selectinload sends the keys in chunks of 500: 1,130 customers, 3 IN statements
        with Session(engine) as session:
            statements.clear()
            orders = session.scalars(
                select(Order).where(Order.status == "pending").options(selectinload(Order.customer))
            ).all()
            assert (len(orders), len({o.customer_id for o in orders})) == (1979, 1130)
            assert len(statements) == 1 + 3
            assert all("WHERE customers.id IN (" in q for q in statements[1:])
    finally:
        engine.dispose()


def _last_join(ns: dict) -> str:
    """The statement joinedload(Order.customer) sends."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session, joinedload

    Order, statements = ns["Order"], ns["statements"]
    with Session(ns["engine"]) as session:
        statements.clear()
        session.scalars(select(Order).limit(1).options(joinedload(Order.customer))).all()
    assert len(statements) == 1
    return statements[0]
