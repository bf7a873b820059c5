"""Units of the text handling the runner relies on: statement splitting, output and plan shapes."""

from playbooks.output import Result, differences, plan_shape
from playbooks.sql import split_statements


def test_split_respects_quotes_comments_and_dollar_quotes() -> None:
    script = (
        "-- a comment; not a statement\n"
        "SELECT 'a;b', \"c;d\", E'\\';';\n"
        "/* block; /* nested; */ */ SELECT 2;\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;\n"
        "SELECT $1;"
    )
    statements = split_statements(script)
    assert [s.line for s in statements] == [2, 3, 4, 5]
    assert statements[0].text == "SELECT 'a;b', \"c;d\", E'\\';';"
    assert statements[1].text == "SELECT 2;"
    assert statements[2].text.endswith("END $body$;")


def test_split_drops_comment_only_pieces_and_keeps_an_unterminated_last_statement() -> None:
    statements = split_statements("SELECT 1;\n-- trailing comment;\nSELECT 2")
    assert [s.text for s in statements] == ["SELECT 1;", "SELECT 2"]


def test_a_result_renders_as_psql_aligned_output() -> None:
    result = Result(["status", "n"], [False, True], [["paid", "5"], ["delivered", None]])
    assert result.render() == "  status   | n\n-----------+---\n paid      | 5\n delivered |"


PLAN = """Limit  (cost=0.29..0.61 rows=10 width=8)
  ->  Index Scan Backward using orders_created_at_idx on orders  (cost=0.29..640.29 rows=20000 width=8)
        Filter: (total > 0)"""


def test_plan_shape_ignores_costs_and_details_but_not_nodes_or_nesting() -> None:
    shown = "Limit\n  ->  Index Scan Backward using orders_created_at_idx on orders"
    assert plan_shape(PLAN) == plan_shape(shown)
    assert plan_shape(PLAN) != plan_shape("Limit\n  ->  Seq Scan on orders")
    assert differences(shown, [(PLAN, True)]) is None
    assert "shape of plan 1 differs" in differences(
        "Limit\n  ->  Seq Scan on orders", [(PLAN, True)]
    )


def test_a_missing_result_is_a_difference() -> None:
    assert "shows 1 result(s), the engine printed 2" in differences(
        "x", [("x", False), ("y", False)]
    )
