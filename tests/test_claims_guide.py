"""The claims of docs/selection-guide.md and docs/best-practices.md.

The structure is checked from the Markdown: every rating of the matrix has a one-line
justification with the same rating and a link into the handbook, and every link resolves to a
page and a heading that exist (`mkdocs build --strict` fails on the same, this says which).
The ratings that can be tested here are asserted on the engines: MariaDB's JSON, window
functions, recursive CTEs and full text; Redis without a JSON type and with GEOSEARCH; a Kuzu
transaction rolled back. PostgreSQL's rollback is the page's own example with its output compared.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from playbooks import paths
from playbooks.sql import split_statements

DOCS = paths.DOCS
GUIDE = DOCS / "selection-guide.md"
PRACTICES = DOCS / "best-practices.md"
COLUMNS = ["PostgreSQL", "MySQL", "MongoDB", "Cassandra", "Redis", "Graph"]
RATINGS = {"✓✓✓", "✓✓", "✓", "✗"}
LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")


@cache
def anchors(page: Path) -> set[str]:
    """The ids of the page's headings, as the site's table of contents makes them."""
    import markdown

    md = markdown.Markdown(extensions=["toc", "attr_list"])
    md.convert(page.read_text())

    def walk(tokens: list[dict]) -> set[str]:
        found = set()
        for token in tokens:
            found.add(token["id"])
            found |= walk(token["children"])
        return found

    return walk(md.toc_tokens)


def resolve(source: Path, link: str) -> tuple[Path, str]:
    path, _, anchor = link.partition("#")
    return ((source.parent / path).resolve() if path else source), anchor


def broken(source: Path, link: str) -> str | None:
    target, anchor = resolve(source, link)
    if not target.is_file():
        return f"{link}: no page {target}"
    if anchor and anchor not in anchors(target):
        return f"{link}: no heading #{anchor} on {target.relative_to(DOCS)}"
    return None


def matrix() -> dict[str, dict[str, str]]:
    """{row anchor: {column: rating}} from the guide's table."""
    rows = {}
    for line in GUIDE.read_text().splitlines():
        m = re.match(r"^\| \[[^\]]+\]\(#([\w-]+)\) \|(.*)\|$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split("|")]
            rows[m.group(1)] = dict(zip(COLUMNS, cells, strict=True))
    return rows


def justifications() -> dict[str, dict[str, str]]:
    """{section anchor: {column: its bullet}} from the "### row" sections under the table."""
    found: dict[str, dict[str, str]] = {}
    section = None
    text = GUIDE.read_text()
    for block in re.split(r"\n(?=### |- \*\*)", text):
        heading = re.match(r"### (.+)", block)
        if heading:
            section = heading.group(1).strip().lower().replace(" ", "-")
            continue
        bullet = re.match(r"- \*\*(\S+) ([✓✗]+)\*\* — (.*)", block, re.S)
        if bullet and section:
            found.setdefault(section, {})[bullet.group(1)] = bullet.group(2) + " " + bullet.group(3)
    return found


def test_the_matrix_rates_six_stores_on_every_row():
    rows = matrix()
    assert len(rows) >= 8
    for row, cells in rows.items():
        assert set(cells.values()) <= RATINGS, row
        assert row in anchors(GUIDE), f"the row links to #{row}, which is no heading"


def test_every_rating_has_a_justification_with_the_same_rating_and_a_link():
    reasons = justifications()
    for row, cells in matrix().items():
        for column, rating in cells.items():
            bullet = reasons.get(row, {}).get(column)
            assert bullet, f"{row}: no justification for {column}"
            assert bullet.split(" ", 1)[0] == rating, (
                f"{row}/{column}: table {rating}, text {bullet}"
            )
            links = LINK.findall(bullet)
            assert links, f"{row}/{column}: no link to the section that shows it"
            problems = [p for p in (broken(GUIDE, link) for link in links) if p]
            assert not problems, f"{row}/{column}: {problems}"


def test_the_corrections_of_the_briefs_ratings_are_stated():
    # The brief's ratings that were wrong or dated, and the rating the guide gives instead.
    brief = {
        ("acid-transactions", "MySQL"): "✓✓",
        ("acid-transactions", "MongoDB"): "✓",
        ("acid-transactions", "Redis"): "✓",
        ("complex-queries", "MongoDB"): "✓",
        ("json", "Redis"): "✓✓",
        ("full-text-search", "MySQL"): "✓",
    }
    rows, reasons = matrix(), justifications()
    for (row, column), old in brief.items():
        assert rows[row][column] != old
        assert "**Corrected**" in reasons[row][column], (row, column)


def test_every_link_on_both_pages_resolves():
    for page in (GUIDE, PRACTICES):
        links = [link for link in LINK.findall(page.read_text()) if "://" not in link]
        problems = [p for p in (broken(page, link) for link in links) if p]
        assert not problems, problems


def practices() -> list[str]:
    return re.split(r"\n(?=\d+\. \*\*)", PRACTICES.read_text())[1:]


def test_every_best_practice_links_to_where_it_is_argued_and_to_an_example():
    items = practices()
    assert len(items) >= 10
    for item in items:
        title = re.match(r"\d+\. \*\*(.+?)\*\*", item).group(1)
        assert "Example:" in item, title
        argued, example = item.split("Example:", 1)
        assert LINK.findall(argued), f"{title}: no link to where it is argued"
        assert [link for link in LINK.findall(example) if "#" in link], f"{title}: no example"
        problems = [p for p in (broken(PRACTICES, link) for link in LINK.findall(item)) if p]
        assert not problems, f"{title}: {problems}"
        assert any("phases/" in link for link in LINK.findall(item)), title


# --- the ratings that can be tested here ---------------------------------------------------------


def test_mariadb_has_json_functions_window_functions_recursive_ctes_and_full_text(
    examples_collection, mariadb_conn
):
    from playbooks.runner import server_version

    [example] = [
        e
        for e in examples_collection.examples
        if e.source == "docs/selection-guide.md" and e.engine == "mariadb"
    ]
    engine, version = server_version(mariadb_conn)
    shown = example.for_version(engine, version)  # the code tab for this server
    assert shown is not None, f"no tab of the guide's example names {engine} {version}"
    statements = [s.text for s in split_statements(shown.code)]
    results = []
    with mariadb_conn.cursor() as cur:
        for text in statements[:-1]:
            cur.execute(text)
            if cur.description:
                results.append([tuple(row) for row in cur.fetchall()])
        import pymysql

        with pytest.raises(pymysql.err.MySQLError) as error:
            cur.execute(statements[-1])
        cur.execute("SHOW CREATE TABLE articles")
        created = cur.fetchone()[1]
        if engine == "mariadb":
            assert error.value.args[0] == 4025  # CONSTRAINT `articles.body` failed
            assert "json_valid(`body`)" in created  # JSON is LONGTEXT with a check
        else:
            assert engine == "mysql"
            assert error.value.args[0] == 3140  # Invalid JSON text
            assert "`body` json" in created and "json_valid" not in created  # a type of its own
    assert shown.error == str(error.value.args[0])
    assert results == [
        [(2, "30"), (3, "20")],
        [(1, 3), (2, 1), (3, 2)],
        [(15,)],
        [(3,)],
    ]


def test_core_redis_has_no_json_type(redis_client):
    import redis

    with pytest.raises(redis.ResponseError, match="unknown command"):
        redis_client.execute_command("JSON.SET", "doc", "$", '{"a": 1}')


def test_redis_geosearch_finds_points_within_a_radius(redis_client):
    r = redis_client
    r.geoadd("stores", [-73.9855, 40.7580, "times-square", -73.9772, 40.7527, "grand-central"])
    r.geoadd("stores", [-0.1276, 51.5072, "london"])
    near = r.geosearch("stores", longitude=-73.98, latitude=40.755, radius=5, unit="km")
    assert sorted(near) == ["grand-central", "times-square"]


def test_a_kuzu_transaction_rolls_back_as_a_whole(kuzu_conn):
    kuzu_conn.execute("CREATE NODE TABLE Person(id INT64, PRIMARY KEY (id))")
    kuzu_conn.execute("BEGIN TRANSACTION")
    kuzu_conn.execute("CREATE (:Person {id: 1})")
    kuzu_conn.execute("CREATE (:Person {id: 2})")
    kuzu_conn.execute("ROLLBACK")
    assert kuzu_conn.execute("MATCH (p:Person) RETURN count(*)").get_all() == [[0]]


def test_kuzu_properties_may_be_structs_and_maps(kuzu_conn):
    kuzu_conn.execute(
        "CREATE NODE TABLE Product(id INT64, specs STRUCT(weight_g INT64, colour STRING), "
        "labels MAP(STRING, STRING), PRIMARY KEY (id))"
    )
    kuzu_conn.execute(
        "CREATE (:Product {id: 1, specs: {weight_g: 250, colour: 'red'}, "
        "labels: map(['lang', 'tier'], ['en', 'gold'])})"
    )
    found = kuzu_conn.execute(
        "MATCH (p:Product) WHERE p.specs.colour = 'red' "
        "RETURN p.specs.weight_g, element_at(p.labels, 'tier')"
    )
    assert found.get_next() == [250, ["gold"]]
    assert not found.has_next()
    # A field the STRUCT does not declare is refused: the shape is the schema's.
    with pytest.raises(RuntimeError):
        kuzu_conn.execute("MATCH (p:Product) RETURN p.specs.price")
