"""The claims of docs/selection-guide.md and docs/best-practices.md.

The structure is checked from the Markdown: every rating of the matrix has a one-line
justification with the same rating and a link into the handbook, and every link resolves to a
page and a heading that exist (`mkdocs build --strict` fails on the same, this says which).
Every justification is proven or cited: a link lands on a section that runs an example and shows
what the bullet names, or the bullet cites the vendor's documentation by version and section.
The ratings that can be tested here are asserted on the engines: MariaDB's JSON, window
functions, recursive CTEs and full text, and its DDL committing a transaction (MySQL 9.7 in CI);
Redis without JSON or search, with sets and GEOSEARCH; a Kuzu transaction rolled back and its
full-text index. PostgreSQL's rollback is the page's own example with its output compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from playbooks import paths
from playbooks.examples import Collection, Example, Kind
from playbooks.replay import run_python
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
            links = [link for link in LINK.findall(bullet) if "://" not in link]
            assert links, f"{row}/{column}: no link to the section that shows it"
            problems = [p for p in (broken(GUIDE, link) for link in links) if p]
            assert not problems, f"{row}/{column}: {problems}"


# --- every justification is shown running, or cited -------------------------------------------

EXECUTED = {Kind.STATEMENTS, Kind.PYTHON, Kind.SNIPPETS}  # fences the suite runs (census kinds)
INCLUDE = re.compile(r"""^\s*-{1,2}8<-{1,2}\s+["']([^"':]+)(?::([\w-]+))?["']\s*$""", re.M)
EXTERNAL = re.compile(r"\[([^\]]+)\]\((https://[^)\s]+)\)")
# A citation links to an engine's own documentation, and its text names the version and, in
# quotes, the section it cites: [Cassandra 4.1 documentation, "SASIIndex"](https://…).
VENDOR_DOCS = (
    "https://www.postgresql.org/docs/",
    "https://dev.mysql.com/doc/",
    "https://mariadb.com/",
    "https://www.mongodb.com/docs/",
    "https://cassandra.apache.org/doc/",
    "https://redis.io/docs/",
    "https://github.com/redis/redis/",
    "https://neo4j.com/docs/",
)
VERSION = re.compile(r"\b\d+(?:\.\d+)*\b")
SECTION_NAME = re.compile(r"\"[^\"]+\"")
# Words that name what a bullet's claim is about, where its code terms (in backticks) are not
# what the linked section shows: one of them, or a code term, must be in that section.
TERMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("acid-transactions", "PostgreSQL"): ("BEGIN", "ROLLBACK"),
    ("complex-queries", "PostgreSQL"): ("Nested Loop",),  # a join, in a plan you can read
    ("complex-queries", "MySQL"): ("WITH RECURSIVE", "OVER"),
    ("complex-queries", "Graph"): ("count(DISTINCT other)",),
    ("json", "MongoDB"): ('"items"',),  # an order document embedding its lines
    ("json", "Redis"): ("json.dumps",),  # the session, a JSON string
    ("json", "Graph"): ("CREATE NODE TABLE",),  # every property typed in the schema
    ("relationship-traversal", "PostgreSQL"): ("WITH RECURSIVE", "category_closure"),
    ("relationship-traversal", "MySQL"): ("WITH RECURSIVE",),
    ("relationship-traversal", "Graph"): ("FRIENDS_WITH",),
    ("horizontal-scale", "PostgreSQL"): ("pg_last_wal_replay_lsn", "shard"),
    ("horizontal-scale", "MySQL"): ("shard",),
    ("horizontal-scale", "MongoDB"): ("shard",),
    ("horizontal-scale", "Cassandra"): ("PRIMARY KEY ((sensor_id, bucket_date), ts)",),
    ("write-throughput", "PostgreSQL"): ("UPDATE",),
    ("write-throughput", "MySQL"): ("shard",),
    ("write-throughput", "MongoDB"): ("BUCKET_SIZE",),
    ("write-throughput", "Redis"): ("EVAL",),
    ("write-throughput", "Graph"): ("CREATE (a)-[:FRIENDS_WITH",),
    ("read-latency", "PostgreSQL"): ("idx_scan",),
    ("read-latency", "MySQL"): ("orders_pending_since_idx",),
    ("read-latency", "MongoDB"): ("find_one",),
    ("read-latency", "Cassandra"): ("CLUSTERING ORDER BY (ts DESC)",),
    ("read-latency", "Redis"): ("cache-aside",),
    ("read-latency", "Graph"): ("MATCH (me:Person {id: 1})",),
    ("full-text-search", "Graph"): ("QUERY_FTS_INDEX",),
    ("geospatial", "PostgreSQL"): ("USING gist", "ST_Distance"),
}


def mentions(text: str, term: str) -> bool:
    """The term as a whole token (`IF` is not in "if", nor `EXEC` in "EXECUTE")."""
    return re.search(rf"(?<![\w$]){re.escape(term)}(?![\w])", text) is not None


@dataclass(frozen=True)
class Section:
    page: Path
    anchor: str
    first: int  # the heading's line (1-based)
    last: int  # the last line before the next heading of the same or a higher level
    text: str  # its Markdown, with the code of the snippet files it includes


def snippet_text(path: str, name: str | None) -> str:
    text = (paths.SNIPPETS / path).read_text()
    if name is None:
        return text
    m = re.search(rf"--8<-- \[start:{name}\][^\n]*\n(.*?)\n[^\n]*--8<-- \[end:{name}\]", text, re.S)
    assert m, f"no section {name} in snippets/{path}"
    return m.group(1)


@cache
def sections(page: Path) -> dict[str, Section]:
    """{anchor: its section} for every heading of a page, ids made as the table of contents
    makes them (each heading rendered alone, then made unique in page order)."""
    import markdown
    from markdown.extensions.toc import unique
    from markdown_it import MarkdownIt

    text = page.read_text()
    lines = text.splitlines()
    headings = [
        (int(token.tag[1]), token.map[0] + 1)
        for token in MarkdownIt("commonmark").parse(text)
        if token.type == "heading_open" and token.map
    ]
    found: dict[str, Section] = {}
    used: set[str] = set()
    for i, (level, first) in enumerate(headings):
        md = markdown.Markdown(extensions=["toc", "attr_list"])
        md.convert(lines[first - 1])
        anchor = unique(md.toc_tokens[0]["id"], used)
        assert anchor in anchors(page), f"{page.name}:{first}: #{anchor} is not the site's id"
        end = next((f for lv, f in headings[i + 1 :] if lv <= level), len(lines) + 1)
        body = "\n".join(lines[first - 1 : end - 1])
        code = [snippet_text(m[1], m[2]) for m in INCLUDE.finditer(body)]
        found[anchor] = Section(page, anchor, first, end - 1, "\n".join([body, *code]))
    return found


def runs_an_example(section: Section, collection: Collection) -> bool:
    page = section.page.relative_to(DOCS.parent).as_posix()
    return any(
        v.page == page and section.first <= v.line <= section.last and v.kind in EXECUTED
        for v in collection.verdicts
    )


def proven_or_cited(row: str, column: str, bullet: str, collection: Collection) -> str | None:
    """None when the bullet cites the vendor's documentation (version and section named), or
    links to a section that runs an example and shows one of its terms; else what is missing."""
    cited = [label for label, url in EXTERNAL.findall(bullet) if url.startswith(VENDOR_DOCS)]
    if any(VERSION.search(label) and SECTION_NAME.search(label) for label in cited):
        return None
    terms = [*re.findall(r"`([^`]+)`", bullet), *TERMS.get((row, column), ())]
    tried = []
    for link in LINK.findall(bullet):
        if "://" in link:
            continue
        target, anchor = resolve(GUIDE, link)
        section = sections(target).get(anchor) if anchor else None
        if section is None:
            tried.append(f"{link}: not a section")
        elif not runs_an_example(section, collection):
            tried.append(f"{link}: runs no example")
        elif not any(mentions(section.text, term) for term in terms):
            tried.append(f"{link}: none of {terms}")
        else:
            return None
    return "; ".join(tried) or "no link into the handbook and no citation"


def test_every_justification_links_to_a_section_that_shows_it_or_cites_the_vendor(
    examples_collection,
):
    problems = [
        f"{row}/{column}: {problem}"
        for row, bullets in justifications().items()
        for column, bullet in bullets.items()
        if (problem := proven_or_cited(row, column, bullet, examples_collection))
    ]
    assert not problems, "\n".join(problems)


def test_the_check_refuses_a_bullet_that_is_neither_shown_nor_cited(examples_collection):
    def check(bullet: str) -> str | None:
        return proven_or_cited("row", "column", bullet, examples_collection)

    shown = "[run below](#mysql-and-mariadb-today)"
    assert check(f"`FULLTEXT` indexes; {shown}") is None
    assert "none of" in check(f"`GEOSEARCH`; {shown}")  # shows an example, not this one
    assert "runs no example" in check("[a table](phases/nosql.md#kuzu-and-neo4j)")
    sasi = "https://cassandra.apache.org/doc/4.1/cassandra/cql/SASI.html"
    assert check(f'[Cassandra 4.1 documentation, "SASIIndex"]({sasi})') is None
    assert check(f"[Cassandra documentation, SASI]({sasi})")  # no version, no section
    assert check('[a blog on Cassandra 4.1, "SASI"](https://example.com/sasi)')  # not the vendor


def test_a_section_ends_at_the_next_heading_of_its_level_or_above():
    found = sections(GUIDE)
    ratings = found["the-ratings-one-by-one"]
    assert found["acid-transactions"].first > ratings.first
    assert ratings.last == found["evidence-run-here"].first - 1  # its ### sections are inside
    assert found["acid-transactions"].last == found["complex-queries"].first - 1


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


def test_the_backup_and_record_practices_show_the_operations_chapters() -> None:
    """Practice 8 shows a restore drill (a replica copies a DROP at once: no backup), practice 9
    a decision with what it measured; both in the operations chapters, not on a replica."""
    by_title = {re.match(r"\d+\. \*\*(.+?)\*\*", item).group(1): item for item in practices()}
    backup = by_title["Back up, and test the restore."]
    example = backup.split("Example:", 1)[1]
    assert all(link.startswith("operations/backup.md#") for link in LINK.findall(example))
    assert "is not a backup" in backup
    record = by_title["Record why, not only what."].split("Example:", 1)[1]
    assert any(link.startswith("operations/") for link in LINK.findall(record)), record


# --- the ratings that can be tested here ---------------------------------------------------------


def guide_example(collection: Collection, marker: str) -> Example:
    """The guide's one example whose code contains the marker."""
    [example] = [
        e for e in collection.examples if e.source == "docs/selection-guide.md" and marker in e.code
    ]
    return example


def test_mariadb_has_json_functions_window_functions_recursive_ctes_and_full_text(
    examples_collection, mariadb_conn
):
    from playbooks.runner import server_version

    example = guide_example(examples_collection, "CREATE TABLE articles")
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


def test_ddl_commits_a_mariadb_or_mysql_transaction_and_is_not_rolled_back(
    examples_collection, mariadb_conn
):
    example = guide_example(examples_collection, "audit_log")
    results = []
    with mariadb_conn.cursor() as cur:
        for statement in split_statements(example.code):
            cur.execute(statement.text)
            if cur.description:
                results.append([tuple(row) for row in cur.fetchall()])
    assert results == [
        [(1, 100), (2, 0)],  # data changes only: the transfer was rolled back
        [(1, 100), (2, 0), (3, 25)],  # the CREATE TABLE committed the INSERT before it
        [("id",), ("balance",), ("note",)],  # the ALTER TABLE stayed
        [(1,)],  # and so did the CREATE TABLE
    ]


def test_core_redis_has_no_json_type(redis_client):
    import redis

    with pytest.raises(redis.ResponseError, match="unknown command"):
        redis_client.execute_command("JSON.SET", "doc", "$", '{"a": 1}')


def test_core_redis_has_no_search(redis_client):
    """FT.CREATE, the query engine's first command, is unknown where JSON.SET is: on Redis 7.0 and
    on Debian's Redis 8.0, built without Redis 8's modules. A build with them (Redis's own
    packages) has both, and then the test above fails: the page's claim would be wrong."""
    import redis

    r = redis_client
    modules = {m["name"] for m in r.module_list()}
    try:
        r.execute_command("FT.CREATE", "articles", "SCHEMA", "title", "TEXT")
    except redis.ResponseError as error:
        assert "unknown command" in str(error)
        assert "search" not in modules
    else:
        major = int(r.info("server")["redis_version"].split(".")[0])
        assert major >= 8 and "search" in modules  # Redis 8 with the modules it bundles


def test_core_redis_relationships_are_walked_by_the_application(redis_client, capsys):
    ns = run_python("python/nosql/sets_and_points.py", redis_client=redis_client)
    follows, near = capsys.readouterr().out.splitlines()
    assert follows == "['dave', 'erin']"  # two hops: SMEMBERS, then SUNION of keys it named
    assert ns["first_hop"] == {"bob", "carol"}
    assert near == "[('grand-central', 0.35), ('times-square', 0.57)]"  # nearest first, not London


def test_a_kuzu_transaction_rolls_back_as_a_whole(examples_collection, kuzu_conn):
    example = guide_example(examples_collection, "BEGIN TRANSACTION")
    *statements, count = [s.text.rstrip(";") for s in split_statements(example.code, "//")]
    for statement in statements:
        kuzu_conn.execute(statement)
    assert kuzu_conn.execute(count).get_all() == [[0]]


def test_kuzu_ships_a_stemming_full_text_index(examples_collection, kuzu_conn):
    example = guide_example(examples_collection, "QUERY_FTS_INDEX")
    *statements, query = [s.text.rstrip(";") for s in split_statements(example.code, "//")]
    for statement in statements:
        kuzu_conn.execute(statement)
    rows = kuzu_conn.execute(query).get_all()
    assert [(id_, title) for id_, title, _ in rows] == [
        (2, "Graph traversals in SQL"),  # "traversals" …
        (3, "Traversing a graph of friends"),  # … and "Traversing" match "traversal"
    ]
    assert all(score > 0 for *_, score in rows)  # each match has a relevance score


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
