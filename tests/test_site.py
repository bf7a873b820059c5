"""The site builds strictly, a broken include, link or anchor breaks the build, and every chapter
says which engines its examples ran on (playbooks/mkdocs_hooks.py, from the suite's collector)."""

import html as htmllib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )


@pytest.mark.xdist_group("site")
def test_the_handbook_builds_strictly(built_site) -> None:
    build = built_site.build
    assert build.returncode == 0, build.stdout + build.stderr
    chapter = built_site.root / "phases" / "indexing" / "index.html"
    assert chapter.exists()
    assert "Examples run on PostgreSQL 15" in chapter.read_text()
    # every chapter, the operations ones too, says what its examples ran on, and has its card
    home = (built_site.root / "index.html").read_text()
    for page in sorted((ROOT / "docs").glob("*/*.md")):
        if page.parent.name in ("phases", "operations"):
            html = (built_site.root / page.parent.name / page.stem / "index.html").read_text()
            assert "Examples run on " in html, page
            assert f'href="{page.parent.name}/{page.stem}/"' in home, page


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "snippets", project / "snippets")
    # The whole package: the hook imports the collector of its own checkout (mkdocs runs in
    # the project, which comes first on sys.path), not that of wherever playbooks is installed.
    shutil.copytree(
        ROOT / "playbooks", project / "playbooks", ignore=shutil.ignore_patterns("__pycache__")
    )
    return project


# A missing include stops the build at once; broken links and anchors are each a warning, and
# --strict fails the build at its end, naming all of them: one build serves those three tests.
MISSING_INCLUDE = ('\n```sql\n--8<-- "postgres/no/such_file.sql"\n```\n', "no/such_file.sql")
BROKEN_LINKS = {
    "broken link": ("\nSee [nowhere](no-such-page.md).\n", "no-such-page.md"),
    "broken anchor": ("\nSee [the tables](sample-schema.md#no-such-anchor).\n", "no-such-anchor"),
    "broken anchor on the page": ("\nSee [above](#no-such-heading).\n", "no-such-heading"),
}


def _build_with(tmp_path: Path, additions: list[str]) -> subprocess.CompletedProcess:
    project = _copy_project(tmp_path)
    index = project / "docs" / "index.md"
    index.write_text(index.read_text() + "".join(additions))
    return mkdocs_build(project, tmp_path / "site")


@pytest.fixture(scope="module")
def build_with_broken_links(tmp_path_factory) -> subprocess.CompletedProcess:
    return _build_with(tmp_path_factory.mktemp("links"), [a for a, _ in BROKEN_LINKS.values()])


def test_a_missing_include_fails_the_build(tmp_path) -> None:
    addition, named = MISSING_INCLUDE
    result = _build_with(tmp_path, [addition])
    assert result.returncode != 0
    assert named in result.stdout + result.stderr


@pytest.mark.parametrize("case", list(BROKEN_LINKS))
def test_a_broken_reference_fails_the_build(build_with_broken_links, case: str) -> None:
    named = BROKEN_LINKS[case][1]
    assert build_with_broken_links.returncode != 0
    assert named in build_with_broken_links.stdout + build_with_broken_links.stderr


CHAPTER = """# Phase 9: Testing the hook

```{.sql}
SELECT 1;
```

```{.text output}
 ?column?
----------
        1
```

```{.sql engine=mariadb}
SELECT 1;
```

```{.python fixture:redis_client}
redis_client.set("k", "v")
```

```{.python title="snippets/python/hook/pool.py" notest}
--8<-- "python/hook/pool.py"
```

```{.text norun="a transcript"}
$ true
```
"""


def test_the_engines_under_a_chapter_title_are_derived_from_what_runs(tmp_path) -> None:
    from playbooks import mkdocs_hooks
    from playbooks.examples import collect

    (tmp_path / "docs" / "phases").mkdir(parents=True)
    (tmp_path / "docs" / "phases" / "testing.md").write_text(CHAPTER)
    (tmp_path / "snippets" / "python" / "hook").mkdir(parents=True)
    pool = tmp_path / "snippets" / "python" / "hook" / "pool.py"
    pool.write_text("# example: fixtures=pgbouncer_url\nprint(pgbouncer_url)\n")
    found = mkdocs_hooks.evidence(collect(tmp_path), tmp_path)["docs/phases/testing.md"]
    # pgbouncer_url needs PgBouncer and the PostgreSQL behind it (playbooks.fixtures)
    assert found.engines == {"postgres": 2, "mariadb": 1, "redis": 1, "pgbouncer": 1}
    assert (found.executed, found.outputs, found.not_run) == (4, 1, 1)
    box = mkdocs_hooks.admonition(found, "../verification.md")
    assert box.startswith(
        '!!! proven "Examples run on PostgreSQL 15, MariaDB 10.11, PgBouncer and Redis 7"'
    )
    page = mkdocs_hooks.insert_under_title(CHAPTER, box)
    assert page.index("# Phase 9") < page.index("!!! proven") < page.index("```{.sql}")
    labelled = mkdocs_hooks.label_fences(page)
    assert (
        '```{.text output .dbarch-output data-search-exclude="output" data-engine="PostgreSQL 15"}'
        in labelled
    )
    assert '```{.text norun="a transcript" .dbarch-norun data-norun="a transcript"}' in labelled


def test_the_engines_declared_for_each_fixture_are_those_it_starts(request) -> None:
    """playbooks.fixtures, which the site hook reads, against the plugin's fixtures themselves:
    every fixture of the plugin (the parts of playbooks.testing) is declared, with the engines of
    the server fixtures it asks for (through other fixtures too) and those it starts itself."""
    import importlib

    from _pytest.fixtures import FixtureFunctionDefinition

    from playbooks import fixtures, testing

    manager = request._fixturemanager

    def closure(name: str, seen: set[str]) -> set[str]:
        seen.add(name)
        for definition in manager.getfixturedefs(name, request.node) or ():
            for asked in definition.argnames:
                if asked not in seen:
                    closure(asked, seen)
        return seen

    parts = [importlib.import_module(name) for name in testing.pytest_plugins]
    plugin = {
        f.name
        for part in parts
        for f in vars(part).values()
        if isinstance(f, FixtureFunctionDefinition)
    }
    assert {"conn", "pgbouncer_url", "kuzu_conn", "postgres_server"} <= plugin
    assert plugin - set(fixtures.FIXTURE_ENGINES) == set(), "fixtures with no declared engines"
    for name in plugin:
        used = closure(name, set())
        started = {fixtures.SERVER_FIXTURES[n] for n in used if n in fixtures.SERVER_FIXTURES}
        for n in used:
            started |= fixtures.OWN_ENGINES.get(n, set())
        assert fixtures.engines_of(name) == started, name


# --- what a reader sees: no plumbing of the test suite ------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_TEST_MODULE_NAME = re.compile(r"\btest_\w+\.py\b")
HEADER = re.compile(r"^\s*(?:--|#|//)\s*example:")


def _pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


@pytest.mark.xdist_group("site")
def test_no_page_shows_an_example_header_or_names_a_test_module(built_site) -> None:
    """The `-- example: …` / `# example: …` / `// example: …` header of a snippet file is the
    runner's, not the reader's; a test module is the maintainer's. Both stay out of every built
    page (its text, its attributes such as a not-run reason) and of the search index."""
    assert built_site.build.returncode == 0, built_site.build.stdout + built_site.build.stderr
    pages = _pages(built_site.root)
    assert len(pages) > 20
    headers, modules = [], []
    for page in pages:
        html = page.read_text()
        text = htmllib.unescape(_TAG.sub("", html))
        where = page.relative_to(built_site.root).as_posix()
        headers += [f"{where}: {line.strip()}" for line in text.splitlines() if HEADER.match(line)]
        modules += [f"{where}: {m}" for m in _TEST_MODULE_NAME.findall(htmllib.unescape(html))]
    index = (built_site.root / "search" / "search_index.json").read_text()
    headers += [f"search index: {m}" for m in re.findall(r"(?:--|#|//) ?example: \S+", index)]
    modules += [f"search index: {m}" for m in _TEST_MODULE_NAME.findall(index)]
    assert not headers, "example headers shown to readers:\n" + "\n".join(headers[:20])
    assert not modules, "test modules named to readers:\n" + "\n".join(modules[:20])


def test_the_runner_still_reads_the_headers_the_pages_leave_out() -> None:
    """The pages drop the header; the suite reads the snippet files, header included."""
    from playbooks.examples import collect

    examples = {e.source: e for e in collect(ROOT).examples}
    shown = [
        s
        for s, e in examples.items()
        if s.startswith("snippets/") and HEADER.match(e.code.splitlines()[0])
    ]
    assert len(shown) > 100
    assert examples["snippets/postgres/query-optimization/union.sql"].attrs["data"] == "sample"
    assert examples["snippets/lint/reindex-blocks/good.sql"].attrs["after"].startswith("postgres/")


@pytest.mark.xdist_group("site")
def test_an_output_block_names_the_engine_it_is_compared_with(built_site) -> None:
    chapter = (built_site.root / "phases" / "indexing" / "index.html").read_text()
    outputs = re.findall(r'class="[^"]*dbarch-output[^"]*"[^>]*>', chapter)
    assert outputs, "no output block on the indexing chapter"
    engines = {re.search(r'data-engine="([^"]*)"', tag)[1] for tag in outputs}
    # the suite's engine, or in a tab per version, the versions the tab is titled with
    tabs = set(
        re.findall(
            r'^=== "(PostgreSQL [^"]+)"', (ROOT / "docs/phases/indexing.md").read_text(), re.M
        )
    )
    assert "PostgreSQL 15" in engines and engines <= {"PostgreSQL 15"} | tabs, engines
    if tabs:
        assert engines & tabs, engines


def test_a_test_module_in_the_text_reads_the_test_suite() -> None:
    from playbooks.mkdocs_hooks import without_test_modules

    page = (
        "Intro.\n\n`tests/test_engines.py` asserts it.\n"
        "- `tests/test_browser.py` builds the site\n"
        'shown by tests/test_x.py; see the log.\n```{.text norun="tests/test_y.py asserts it"}\n'
    )
    assert without_test_modules(page) == (
        "Intro.\n\nThe test suite asserts it.\n"
        "- The test suite builds the site\n"
        'shown by the test suite; see the log.\n```{.text norun="The test suite asserts it"}\n'
    )


# --- what a shared link, a bookmark and a wrong address lead to ----------------------------------

PUBLISHED = "https://example.org/dbarch/"
_HREF = re.compile(r'href="([^"]*)"')
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)"')


def _meta(html: str, prop: str) -> str | None:
    m = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)"', html)
    return htmllib.unescape(m.group(1)) if m else None


def _top_level_chapters() -> dict[str, str]:
    """Each top-level entry of mkdocs.yml's nav → the path (below the site) of its first page."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)["nav"]

    def first(entry):
        if isinstance(entry, str):
            return entry
        if isinstance(entry, dict):
            return first(next(iter(entry.values())))
        return first(entry[0])

    def url(src: str) -> str:
        path = src.removesuffix(".md")
        path = "" if path == "index" else path.removesuffix("/index").removesuffix("index")
        return f"{path}/" if path else ""

    return {next(iter(e)) if isinstance(e, dict) else e: url(first(e)) for e in nav}


def _page_paths(root: Path) -> list[str]:
    """Every page of a built site, as its path below the site ("" for the home page)."""
    return sorted(
        p.parent.relative_to(root).as_posix().removeprefix(".") + "/" if p.parent != root else ""
        for p in root.rglob("index.html")
        if "assets" not in p.parts
    )


@pytest.mark.xdist_group("site")
def test_the_404_page_offers_search_and_every_chapter(built_site) -> None:
    page = (built_site.root / "404.html").read_text()
    base = urlsplit(built_site.url).path
    links = set(_HREF.findall(page.split('class="md-content"', 1)[1]))
    chapters = _top_level_chapters()
    assert len(chapters) >= 8
    missing = {t: base + u for t, u in chapters.items() if base + u not in links}
    assert not missing, f"the 404 page does not link to {missing}"
    assert "This page is not here" in page and "search" in page.lower()
    assert 'class="md-search__input"' in page  # the search box it points to


@pytest.mark.xdist_group("site")
def test_every_page_has_a_canonical_address_and_a_link_preview(built_site) -> None:
    pages = _page_paths(built_site.root)
    assert len(pages) > 20
    for path in pages:
        html = (built_site.root / path / "index.html").read_text()
        canonical = _CANONICAL.findall(html)
        assert canonical == [built_site.url + path], (path, canonical)
        assert _meta(html, "og:url") == built_site.url + path, path
        title, description = _meta(html, "og:title"), _meta(html, "og:description")
        assert title and "dbarch" in title, (path, title)
        assert description and description.endswith("."), (path, description)
        assert "{" not in description and "`" not in description, (path, description)
    chapter = (built_site.root / "phases" / "indexing" / "index.html").read_text()
    assert _meta(chapter, "og:title").startswith("Phase 3: Indexing")
    assert "index" in _meta(chapter, "og:description").lower()


@pytest.mark.xdist_group("site")
def test_pages_have_edit_links_when_a_repository_is_configured(built_site) -> None:
    """conftest's build sets DBARCH_REPO_URL (to a GitHub address unless the environment has one)."""
    repo = os.environ.get("DBARCH_REPO_URL", "https://github.com/example/dbarch").rstrip("/")
    chapter = (built_site.root / "phases" / "indexing" / "index.html").read_text()
    assert f'href="{repo}/edit/main/docs/phases/indexing.md"' in chapter


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built for its published address, from a copy of the project that is no git
    checkout, without DBARCH_REPO_URL: no repository is known."""
    tmp = tmp_path_factory.mktemp("published")
    project = _copy_project(tmp)
    env = {k: v for k, v in os.environ.items() if k != "DBARCH_REPO_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp / "site")],
        cwd=project,
        env={**env, "NO_MKDOCS_2_WARNING": "1", "DBARCH_SITE_URL": PUBLISHED},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp / "site"


def test_the_sitemap_and_canonical_links_use_the_configured_site_url(published: Path) -> None:
    sitemap = (published / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    pages = _page_paths(published)
    assert sorted(locs) == sorted(PUBLISHED + p for p in pages)
    for path in pages:
        html = (published / path / "index.html").read_text()
        assert _CANONICAL.findall(html) == [PUBLISHED + path], path
        assert _meta(html, "og:url") == PUBLISHED + path
        head = html.split("</head>", 1)[0]
        assert "127.0.0.1" not in head, path
    not_found = (published / "404.html").read_text()
    assert 'href="/dbarch/phases/indexing/"' in not_found


def test_no_edit_link_without_a_repository(published: Path) -> None:
    for path in _page_paths(published):
        html = (published / path / "index.html").read_text()
        assert "/edit/" not in html and 'class="md-content__button' not in html, path


@pytest.mark.xdist_group("site")
def test_a_section_headed_by_a_term_carries_it_as_a_search_tag(built_site) -> None:
    """The browser test checks the ranking; this, that the index the browser reads has the tags."""
    import json

    from playbooks.mkdocs_hooks import search_term

    docs = json.loads((built_site.root / "search" / "search_index.json").read_text())["docs"]
    tags = {d["location"]: d.get("tags") for d in docs}
    assert tags["phases/indexing/#brin"] == ["BRIN"]
    assert tags["phases/indexing/#gist"] == ["GiST"]
    assert not tags["phases/indexing/#primary-keys-and-unique-constraints-bring-their-own"]
    assert [search_term(t) for t in ("ACID transactions", "MariaDB differences", "Hash")] == [
        "ACID",
        None,
        None,
    ]


@pytest.mark.xdist_group("site")
def test_code_blocks_stay_out_of_the_search_index(built_site) -> None:
    """Every page downloads the index: code blocks were more than half of it."""
    import json

    docs = json.loads((built_site.root / "search" / "search_index.json").read_text())["docs"]
    with_code = [d["location"] for d in docs if "<pre" in d["text"]]
    assert not with_code, with_code[:10]
    chapter = "".join(d["text"] for d in docs if d["location"].startswith("phases/indexing/"))
    code = (ROOT / "snippets/postgres/indexing/existing-indexes.sql").read_text()
    assert "tablename, indexname, indexdef" in code  # a line of code the chapter shows
    assert "BRIN" in chapter and "tablename, indexname, indexdef" not in chapter


# A plan's line marked with `hl_lines` is one the text of its section talks about: its node type,
# index, detail ("Heap Fetches"), the first words of the detail's value, or one of its numbers.
_PLAN_TERMS = re.compile(
    r"^(?:->)?\s*(?P<node>[A-Z][A-Za-z ]+?)(?: using (?P<index>\w+))?(?: on \w+.*)?(?:\s+\(.*)?$"
)


def _terms_of(line: str) -> set[str]:
    text = line.strip().removeprefix("->").strip()
    terms = set(re.findall(r"\b\d+\b", text))
    if ":" in text:
        key, value = text.split(":", 1)
        terms |= {key.strip(), " ".join(value.split()[:2])}
    elif m := _PLAN_TERMS.match(text):
        terms |= {t for t in (m["node"], m["index"]) if t}
    return {t.lower() for t in terms if t}


def _section_prose(markdown: str, line: int) -> str:
    """The text of the section holding `line` (1-based), without its code blocks."""
    lines = markdown.split("\n")
    start = max((i for i in range(line) if lines[i].startswith("#")), default=0)
    end = next((i for i in range(line, len(lines)) if lines[i].startswith("#")), len(lines))
    section = "\n".join(lines[start:end])
    prose = re.sub(r"^([ \t]*)(`{3,}).*?^\1\2[ \t]*$", "", section, flags=re.S | re.M)
    return " ".join(prose.split()).lower()


def _numbers(spec: str) -> list[int]:
    found = []
    for part in spec.split():
        first, _, last = part.partition("-")
        found += list(range(int(first), int(last or first) + 1))
    return found


def test_a_highlighted_plan_line_is_one_its_section_discusses() -> None:
    from playbooks.examples import fences_in

    highlighted = 0
    for page in sorted((ROOT / "docs").rglob("*.md")):
        markdown = page.read_text()
        for fence in fences_in(markdown):
            if "output" not in fence.words or "hl_lines" not in fence.attrs:
                continue
            body = fence.body.splitlines()
            prose = _section_prose(markdown, fence.line)
            for n in _numbers(fence.attrs["hl_lines"]):
                where = f"{page.relative_to(ROOT)}:{fence.line} line {n}"
                assert 1 <= n <= len(body) and body[n - 1].strip(), f"{where}: no such line"
                terms = _terms_of(body[n - 1])
                assert any(t in prose for t in terms), f"{where}: the text names none of {terms}"
                highlighted += 1
    assert highlighted >= 8, highlighted


def test_terms_of_a_plan_line() -> None:
    assert _terms_of("   ->  Bitmap Index Scan on customers_trgm_idx") == {"bitmap index scan"}
    assert "orders_total_idx" in _terms_of(" Index Scan Backward using orders_total_idx on orders")
    assert _terms_of("   Heap Fetches: 0") == {"heap fetches", "0"}
