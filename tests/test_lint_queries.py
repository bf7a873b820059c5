"""`playbook lint --queries`: each rule's bad and good query, run on the sample data (20,000
orders), shows the cost the rule names — by the plan's shape, the rows it read, or the answer."""

from __future__ import annotations

from typing import Any

import pytest

from playbooks.lint import lint_text
from playbooks.lint.queries import QUERY_RULES
from playbooks.sql import explain, index_names, node_types, plan_nodes, snippet

RULES = {r.id: r for r in QUERY_RULES}


def query(rule: str, which: str) -> str:
    """The one statement of a fixture, without its header comments."""
    text = snippet(f"lint/{rule}/{which}.sql")
    return "\n".join(line for line in text.splitlines() if not line.startswith("--")).rstrip(";")


def rows_read(plan: dict) -> int:
    """Rows the plan's scans returned, over all their loops (EXPLAIN ANALYZE)."""
    return sum(
        n["Actual Rows"] * n["Actual Loops"] for n in plan_nodes(plan) if "Scan" in n["Node Type"]
    )


@pytest.mark.parametrize("rule", QUERY_RULES, ids=lambda r: r.id)
def test_the_bad_query_is_flagged_by_its_rule_alone_and_the_good_one_passes(rule):
    bad = lint_text(snippet(rule.bad), rule.bad, queries=True)
    good = lint_text(snippet(rule.good), rule.good, queries=True)
    assert {f.rule for f in bad} == {rule.id}
    assert good == []
    # and the migration rules do not read application queries
    assert lint_text(snippet(rule.bad), rule.bad) == []


def test_a_function_on_the_column_keeps_its_index_out(conn):
    assert "users_email_key" not in index_names(explain(conn, query("function-on-column", "bad")))
    assert "users_email_key" in index_names(explain(conn, query("function-on-column", "good")))


def test_a_leading_wildcard_reads_every_row(conn):
    conn.execute("CREATE INDEX users_email_pattern_idx ON users (email text_pattern_ops)")
    conn.execute("ANALYZE users")
    bad = explain(conn, query("like-leading-wildcard", "bad"))
    good = explain(conn, query("like-leading-wildcard", "good"))
    assert "users_email_pattern_idx" not in index_names(bad) and "Seq Scan" in node_types(bad)
    assert "users_email_pattern_idx" in index_names(good)


def test_not_in_finds_nothing_once_the_subquery_yields_a_null(conn):
    conn.execute(
        "INSERT INTO customers (user_id, name, email, region) "
        "VALUES (NULL, 'guest', 'guest@example.com', 'EU')"
    )
    assert conn.execute(query("not-in-subquery", "bad")).fetchone() == (0,)
    assert conn.execute(query("not-in-subquery", "good")).fetchone()[0] > 0


def test_equals_null_matches_no_row_is_null_does(conn):
    conn.execute(
        "INSERT INTO customers (user_id, name, email, region) "
        "VALUES (NULL, 'guest', 'guest@example.com', 'EU')"
    )
    assert conn.execute(query("equals-null", "bad")).fetchone() == (0,)
    assert conn.execute(query("equals-null", "good")).fetchone()[0] >= 1


def test_offset_reads_the_rows_it_skips(conn):
    bad = explain(conn, query("offset-paging", "bad"), analyze=True)
    good = explain(conn, query("offset-paging", "good"), analyze=True)
    assert rows_read(bad) == 10010 and rows_read(good) == 10
    assert [r[0] for r in conn.execute(query("offset-paging", "bad"))] == [
        r[0] for r in conn.execute(query("offset-paging", "good"))
    ]


def test_order_by_random_reads_and_sorts_every_row(conn):
    total = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    bad = explain(conn, query("order-by-random", "bad"), analyze=True)
    good = explain(conn, query("order-by-random", "good"), analyze=True)
    assert "Sort" in node_types(bad) and rows_read(bad) == total
    assert rows_read(good) < 100


def test_select_star_rules_out_an_index_only_scan(conn):
    conn.execute(
        "CREATE INDEX orders_customer_total_idx ON orders (customer_id) INCLUDE (id, total)"
    )
    conn.execute("VACUUM ANALYZE orders")
    assert "Index Only Scan" not in node_types(explain(conn, query("select-star", "bad")))
    assert "Index Only Scan" in node_types(explain(conn, query("select-star", "good")))


def test_update_without_where_changes_every_row(conn):
    total = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    assert conn.execute(query("no-where", "bad")).rowcount == total
    assert conn.execute(query("no-where", "good")).rowcount == 1


def test_a_comma_join_without_where_pairs_every_row_with_every_row(conn):
    customers, orders = conn.execute(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM orders)"
    ).fetchone()
    assert conn.execute(query("cross-join", "bad")).fetchone() == (customers * orders,)
    assert conn.execute(query("cross-join", "good")).fetchone() == (orders,)


def test_union_deduplicates_what_union_all_only_appends(conn: Any):
    bad, good = query("union-distinct", "bad"), query("union-distinct", "good")
    assert sorted(conn.execute(bad).fetchall()) == sorted(conn.execute(good).fetchall())
    dedupe = {"Aggregate", "HashAggregate", "Unique", "Sort"}  # hashed or sorted
    assert dedupe & set(node_types(explain(conn, bad)))
    assert not dedupe & set(node_types(explain(conn, good)))
