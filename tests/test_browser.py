"""The published handbook in a real browser: the built site, served on localhost, in Chromium.

The site is built (`mkdocs build --strict`) for the address it is served from, served by a
thread-based http.server on 127.0.0.1, and loaded in Debian's headless Chromium, driven by
Playwright (which drives the system's `chromium`: no browser is downloaded). One tour opens the
home page, every chapter and the verification page, two at a time, each in a browser context of
its own — an empty cache, so what a page transfers is what a first-time reader downloads — and
records every console error, uncaught exception and request; on the way it searches, switches a
content tab and takes the screenshots. The tests below assert on what the tour recorded.

Without Chromium or Playwright the tests are skipped, with the reason; under
`--require-engines=…,chromium` that is a failure. Screenshots of the home page and of a chapter
are saved in artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from playbooks.testing.options import record_engine, unavailable

# One worker builds the site for this module and for tests/test_site.py (conftest.built_site).
pytestmark = pytest.mark.xdist_group("site")

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHAPTER = "phases/indexing/"  # the chapter that is searched for and photographed
SEARCH_TERM = "BRIN"  # an index type the chapter has a section on
TABS_PAGE = "verification/"  # holds two linked content-tab sets: PostgreSQL / MariaDB (/ Redis)
MAX_PAGE_BYTES = 1_500_000
NAVIGATION_TIMEOUT_MS = 60_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
COPY_BUTTON = ".highlight button.md-code__button[data-md-type='copy'], .highlight .md-clipboard"


# A whole browser session, bounded: a Chromium that stops answering fails the test that waited
# for it, instead of holding the run until CI's limit (evaluate() has no timeout of its own).
SESSION_TIMEOUT_S = 300


def _bounded(session: Any) -> Any:
    async def run() -> Any:
        try:
            return await asyncio.wait_for(session, SESSION_TIMEOUT_S)
        except TimeoutError:
            pytest.fail(f"the browser session did not finish in {SESSION_TIMEOUT_S} s")

    return asyncio.run(run())


@dataclass
class Site:
    url: str
    root: Path

    def pages(self) -> list[str]:
        """Every page of the built site ("" for the home page)."""
        return sorted(
            "" if p.parent == self.root else p.parent.relative_to(self.root).as_posix() + "/"
            for p in self.root.rglob("index.html")
            if "assets" not in p.relative_to(self.root).parts
        )

    def chapters(self) -> list[str]:
        """Every phase page of the built site, as a path below the site's root."""
        return sorted(
            p.parent.relative_to(self.root).as_posix() + "/"
            for p in self.root.glob("phases/*/index.html")
        )


@dataclass
class Visit:
    """One page, opened in a context of its own: what it logged, requested and showed."""

    path: str
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    requests: list[str] = field(default_factory=list)  # every URL requested
    bytes: int = 0  # the response bodies, added up
    code_blocks: int = 0
    copy_buttons: int = 0
    notes_under_title: list[str] = field(default_factory=list)  # admonition titles
    failure: str = ""  # the page could not be opened
    found: dict[str, Any] = field(default_factory=dict)  # what the page's action recorded

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


# --- the browser and the site ----------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> str:
    """The path of Debian's Chromium; skipped (failed under --require-engines) without it or
    without Playwright."""
    executable = shutil.which("chromium")
    if executable is None:
        unavailable(request.config, "chromium", "no `chromium` on PATH (apt-get install chromium)")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        unavailable(
            request.config, "chromium", "Playwright is not installed (pip install -e .[test])"
        )
    version = subprocess.run([executable, "--version"], capture_output=True, text=True).stdout
    record_engine(request.config, "chromium", version.strip())
    return executable


@pytest.fixture(scope="module")
def site(built_site: Any, chromium: str) -> Site:
    """The handbook as `mkdocs build --strict` built it for the local port it is served on
    (the `built_site` of conftest.py, which the site test checks too)."""
    if built_site.build.returncode != 0:
        pytest.fail(
            f"mkdocs build --strict failed:\n{built_site.build.stdout}{built_site.build.stderr}",
            False,
        )
    return Site(built_site.url, built_site.root)


# --- the tour ----------------------------------------------------------------------------------

Action = Callable[[Any, Visit], Awaitable[None]]


async def _visit(browser: Any, site: Site, path: str, action: Action | None, limit) -> Visit:
    """Open `path` in a new context, wait until the page and its search index have loaded, and
    run `action(page, visit)`."""
    visit = Visit(path)
    finished: list[Any] = []
    async with limit:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        # Generous: under make test the other xdist worker (and anything else on the machine)
        # competes for the CPU; a page that loads at all loads in well under a second when idle.
        context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
        context.on("request", lambda r: visit.requests.append(r.url))
        context.on("requestfinished", lambda r: finished.append(r))
        page = await context.new_page()
        page.on("console", lambda m: m.type == "error" and visit.errors.append(m.text))
        page.on("pageerror", lambda e: visit.errors.append(f"uncaught {e}"))
        try:
            # Material's search worker fetches the index after the load event: wait for it too,
            # so that it counts in what the page transfers.
            async with page.expect_event("requestfinished", lambda r: "search_index" in r.url):
                response = await page.goto(site.url + path, wait_until="load")
            if response is None or not response.ok:
                raise AssertionError(f"HTTP {response and response.status}")
            await page.locator("article.md-content__inner h1").first.wait_for(state="visible")
            visit.code_blocks = await page.locator(".highlight pre").count()
            visit.copy_buttons = await page.locator(COPY_BUTTON).count()
            titles = page.locator("article h1 ~ .admonition > .admonition-title")
            visit.notes_under_title = await titles.all_inner_texts()
        except Exception as e:
            visit.failure = f"{type(e).__name__}: {e}"
        if action is not None and not visit.failure:
            try:
                await action(page, visit)
            except Exception as e:
                visit.found["failure"] = f"{type(e).__name__}: {e}"
        visit.bytes = sum([(await r.sizes())["responseBodySize"] for r in finished])
        await context.close()
    return visit


async def _tour(executable: str, site: Site, actions: dict[str, Action]) -> dict[str, Visit]:
    from playwright.async_api import async_playwright

    paths = ["", *site.chapters(), TABS_PAGE]
    async with async_playwright() as playwright:
        # launch() starts the browser with a new --user-data-dir in a temp dir, removed at close.
        browser = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, timeout=30_000
        )
        limit = asyncio.Semaphore(2)  # two pages at a time: this machine has two cores
        try:
            visits = await asyncio.gather(
                *(_visit(browser, site, p, actions.get(p), limit) for p in paths)
            )
        finally:
            await browser.close()
    return {v.path: v for v in visits}


# Exact terms and the section each must find first (its first section result): typed into the box,
# each is searched as a prefix ("brin*"), which also matches "bring".
RANKED_TERMS = {
    "BRIN": CHAPTER + "#brin",
    "GIN": CHAPTER + "#gin",
    "GiST": CHAPTER + "#gist",
    "HOT": CHAPTER + "#columns-you-update-often",
}


def _home(term: str) -> Action:
    async def photograph_and_search(page: Any, visit: Visit) -> None:
        await page.screenshot(path=SCREENSHOTS / "home.png", full_page=True)
        visit.found["term"] = term
        visit.found["results"] = await _search(page, term)
        visit.found["ranked"] = {t: await _search(page, t) for t in RANKED_TERMS}

    return photograph_and_search


async def _search(page: Any, term: str) -> list[str]:
    box = page.locator("input.md-search__input")
    await box.click()
    await box.fill("")
    await page.keyboard.type(term)
    results = page.locator(".md-search-result__item a")
    await results.first.wait_for(state="visible")
    # The list is redrawn as the worker answers each key: wait until it shows this term's results.
    await page.wait_for_function(
        "t => [...document.querySelectorAll('.md-search-result__item a')]"
        ".some(a => a.href.includes('h=' + t.toLowerCase()))",
        arg=term,
    )
    return await results.evaluate_all("links => links.map(a => a.href)")


async def _chapter(page: Any, visit: Visit) -> None:
    """Photograph the top of the chapter, on a tall screen: the title, the engines, code."""
    await page.set_viewport_size({"width": 1280, "height": 2000})
    await page.screenshot(path=SCREENSHOTS / "chapter-indexing.png")


async def _tabs(page: Any, visit: Visit) -> None:
    """Click the second tab of the first tab set; record what every set then shows."""
    sets = page.locator(".tabbed-set")
    visit.found["sets"] = await sets.count()
    second = sets.first.locator(".tabbed-labels > label").nth(1)
    visit.found["label"] = (await second.inner_text()).strip()
    await second.click()
    visit.found["selected"] = await sets.evaluate_all(
        """sets => sets.map(set => {
             const input = set.querySelector(':scope > input:checked');
             return set.querySelector(`label[for="${input.id}"]`).innerText.trim();
           })"""
    )
    visit.found["shown"] = await sets.first.locator(".tabbed-block").nth(1).is_visible()


@pytest.fixture(scope="module")
def tour(chromium: str, site: Site) -> dict[str, Visit]:
    assert CHAPTER in site.chapters(), f"{CHAPTER} was not built: {site.chapters()}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    actions = {"": _home(SEARCH_TERM), CHAPTER: _chapter, TABS_PAGE: _tabs}
    return _bounded(_tour(chromium, site, actions))


# --- what the tour must have seen ---------------------------------------------------------------


def test_the_home_page_and_every_chapter_render_without_console_errors(tour) -> None:
    failed = [f"/{v.path}: {v.failure}" for v in tour.values() if v.failure]
    assert not failed, "pages that did not load:\n" + "\n".join(failed)
    errors = [f"/{v.path}: {e}" for v in tour.values() for e in v.errors]
    assert not errors, "console errors:\n" + "\n".join(errors)


def test_no_request_goes_to_any_host_but_localhost(tour) -> None:
    assert all(v.requests for v in tour.values()), "a page recorded no request"
    foreign = sorted({f"/{v.path}: {url}" for v in tour.values() for url in v.foreign_requests()})
    assert not foreign, "requests to hosts other than localhost:\n" + "\n".join(foreign)


def test_search_finds_the_chapter_by_a_term_from_it(tour) -> None:
    home = tour[""]
    assert "failure" not in home.found, home.found["failure"]
    term, results = home.found["term"], home.found["results"]
    assert any(urlsplit(h).path.endswith("/" + CHAPTER) for h in results), (term, results)


def test_search_ranks_the_section_on_an_exact_term_first(tour) -> None:
    ranked = tour[""].found["ranked"]
    for term, expected in RANKED_TERMS.items():
        sections = [h for h in ranked[term] if "#" in h]
        first = urlsplit(sections[0]) if sections else None
        where = f"{first.path.lstrip('/')}#{first.fragment}" if first else None
        assert where == expected, f"{term}: first section {where}, not {expected}: {ranked[term]}"


def test_a_content_tab_switches_and_the_linked_tabs_follow(tour) -> None:
    found = tour[TABS_PAGE].found
    assert "failure" not in found, found["failure"]
    assert found["sets"] >= 2, f"/{TABS_PAGE} should hold two linked tab sets"
    label, selected = found["label"], found["selected"]
    assert selected[0] == label, f"clicking {label!r} left {selected[0]!r} selected"
    assert found["shown"], f"the content of the {label!r} tab is not shown"
    assert selected[1] == label, f"the linked tab set shows {selected[1]!r}, not {label!r}"


def test_code_blocks_have_a_copy_button(tour) -> None:
    assert tour[CHAPTER].code_blocks > 0
    for path, visit in tour.items():
        assert visit.copy_buttons >= visit.code_blocks, (
            f"/{path}: {visit.copy_buttons} copy buttons for {visit.code_blocks} code blocks"
        )


def test_every_chapter_says_under_its_title_which_engines_ran_its_examples(tour) -> None:
    for path, visit in tour.items():
        if path.startswith("phases/"):
            assert visit.notes_under_title, f"/{path}: no admonition under the title"
            assert re.match(r"Examples run on |No executed examples", visit.notes_under_title[0])


def test_every_page_transfers_less_than_1_5_mb(tour) -> None:
    lines = [f"{v.bytes / 1e6:6.3f} MB  /{v.path}" for v in tour.values()]
    print("\nwhat each page transfers with an empty cache (uncompressed):\n" + "\n".join(lines))
    heavy = [f"/{v.path}: {v.bytes} bytes" for v in tour.values() if v.bytes >= MAX_PAGE_BYTES]
    assert not heavy, f"pages over {MAX_PAGE_BYTES} bytes: {heavy}"


# --- layout: every page at 1280 and 390 px -----------------------------------------------------

WIDTHS = (1280, 390)
LAYOUT_SHOTS = SCREENSHOTS / "layout"
# What can overflow: a code block (Material scrolls `pre > code`), a table's scroll wrapper, a
# table or `pre` outside one. Measured as scrollWidth against clientWidth (a table and a `pre`
# against their parent's width, since they grow instead of scrolling).
MEASURE = """() => {
  const found = [];
  const els = document.querySelectorAll(
    'article pre > code, article .md-typeset__scrollwrap, article table, article pre, article p code');
  for (const el of els) {
    let wide = el.scrollWidth, room = el.clientWidth;
    if (el.tagName === 'TABLE' || el.tagName === 'PRE') {
      wide = el.getBoundingClientRect().width;
      room = el.parentElement.clientWidth;
    }
    if (wide <= room + 1) continue;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
      || !!el.parentElement.closest('.md-typeset__scrollwrap');
    const text = (el.innerText || '').trim().split('\\n')[0].slice(0, 60);
    found.push({what: `${el.tagName.toLowerCase()} ${Math.round(wide)} > ${room}: ${text}`,
                wide: !!el.closest('.dbarch-wide'), scrolls});
  }
  const d = document.documentElement;
  const sidebar = document.querySelector('.md-sidebar--primary');
  const shown = el => { const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
  const links = sidebar && shown(sidebar)
    ? [...sidebar.querySelectorAll('.md-nav__link')].filter(shown).length : null;
  const tabs = document.querySelector('.md-tabs__list');
  return {overflowing: found, sideways: d.scrollWidth > d.clientWidth + 1,
          tabsCut: !!tabs && shown(tabs) && tabs.scrollWidth > tabs.clientWidth + 1,
          content: Math.round(document.querySelector('.md-content').getBoundingClientRect().width),
          sidebarLinks: links};
}"""


async def _settle(page: Any) -> None:
    """Two animation frames: the layout after a viewport change has been computed."""
    await page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )


async def _without_search(context: Any) -> None:
    """Keep Material's search worker from loading: on every page it fetches the search index
    and builds it again, about a sixth of the CPU time of a pass that measures layout (the
    measurements come out the same without it). The tour tests search."""
    await context.route("**/assets/javascripts/workers/search.*.js", lambda route: route.abort())


async def _layout(page: Any, site: Site, path: str) -> dict:
    slug = path.strip("/").replace("/", "-") or "home"
    found: dict[str, Any] = {}
    try:
        await page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        await page.goto(site.url + path, wait_until="load")
        await page.evaluate("document.fonts.ready")
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900})
            await _settle(page)
            found[width] = await page.evaluate(MEASURE)
            await page.screenshot(path=LAYOUT_SHOTS / f"{slug}-{width}.png")
    except Exception as e:
        found["failure"] = f"{type(e).__name__}: {e}"
    return found


@pytest.fixture(scope="module")
def layout(chromium: str, site: Site) -> dict[str, dict]:
    """Every page, measured at each width of WIDTHS, with a screenshot of the top of each.

    One tab takes the pages one after the other: a page that reloads the assets the one before
    it loaded (the tour opens each page afresh, for what it transfers) took a third of the CPU
    time, and half the time, of a new browser context for each page. Two such tabs side by side
    took no less time on two cores and a quarter more CPU time, which the rest of the suite,
    running beside this test, is short of."""
    from playwright.async_api import async_playwright

    LAYOUT_SHOTS.mkdir(parents=True, exist_ok=True)
    paths = site.pages()
    measured: dict[str, dict] = {}

    async def measure_all() -> None:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_FLAGS, timeout=30_000
            )
            try:
                context = await browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
                context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
                await _without_search(context)
                page = await context.new_page()
                for path in paths:
                    measured[path] = await _layout(page, site, path)
            finally:
                await browser.close()

    _bounded(measure_all())
    failed = {p: m["failure"] for p, m in measured.items() if "failure" in m}
    assert not failed, failed
    return {path: measured[path] for path in paths}


def test_layout_was_measured_on_every_page(layout, site) -> None:
    assert set(layout) == set(site.pages()) and len(layout) > 20
    lines = [
        f"{m[1280]['content']:5d} px  {len(m[1280]['overflowing']):3d} wide at 1280, "
        f"{len(m[390]['overflowing']):3d} scrolling at 390  /{p}"
        for p, m in sorted(layout.items())
    ]
    print("\ncontent width and blocks wider than their column:\n" + "\n".join(lines))
    assert all(
        (LAYOUT_SHOTS / f"{(p.strip('/').replace('/', '-') or 'home')}-390.png").exists()
        for p in layout
    )


def test_nothing_overflows_at_1280_px_unless_marked_wide(layout) -> None:
    over = [
        f"/{p}: {o['what']}"
        for p, m in layout.items()
        for o in m[1280]["overflowing"]
        if not o["wide"]
    ]
    assert not over, f"{len(over)} blocks wider than the column at 1280 px:\n" + "\n".join(over)


def test_pages_use_the_width_at_1280_px(layout) -> None:
    """The text column is at least 1000 px wide at 1280 px (688 px with two sidebars), and no
    page keeps a navigation sidebar with nothing in it but the page itself."""
    narrow = {p: m[1280]["content"] for p, m in layout.items() if m[1280]["content"] < 1000}
    assert not narrow, narrow
    empty = [p for p, m in layout.items() if m[1280]["sidebarLinks"] in (0, 1)]
    assert not empty, f"pages with an empty sidebar: {empty}"
    cut = [p for p, m in layout.items() if m[1280]["tabsCut"]]
    assert not cut, f"the chapter tabs are cut off at 1280 px on {cut}"


def test_at_390_px_only_code_blocks_and_tables_scroll_sideways(layout) -> None:
    sideways = [p for p, m in layout.items() for w in WIDTHS if m[w]["sideways"]]
    assert not sideways, f"pages that scroll sideways: {sideways}"
    stuck = [
        f"/{p}: {o['what']}"
        for p, m in layout.items()
        for o in m[390]["overflowing"]
        if not o["scrolls"]
    ]
    assert not stuck, "wider than the screen and not scrollable:\n" + "\n".join(stuck)


# --- plans beside their queries on a wide screen ----------------------------------------------

WIDE_SCREEN = 1920
PAIRS = """() => [...document.querySelectorAll('article .dbarch-beside')].map(plan => {
  const query = plan.previousElementSibling, q = query.getBoundingClientRect(),
        p = plan.getBoundingClientRect();
  const over = el => { const c = el.querySelector('pre > code'); return c.scrollWidth - c.clientWidth; };
  return {query: (query.innerText || '').trim().split('\\n')[0].slice(0, 50),
          beside: q.right <= p.left && Math.abs(q.top - p.top) < 40,
          overflow: Math.max(over(query), over(plan)),
          highlighted: plan.querySelectorAll('.hll').length};
})"""


@pytest.fixture(scope="module")
def pairs(chromium: str, site: Site) -> dict[str, list[dict]]:
    """Each page with plans marked to go beside their queries, measured at WIDE_SCREEN and at
    1280 px, with a screenshot of the first pair at WIDE_SCREEN."""
    from playwright.async_api import async_playwright

    pages = [
        p for p in site.pages() if "dbarch-beside" in (site.root / p / "index.html").read_text()
    ]

    async def look() -> dict[str, list[dict]]:
        found = {}
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_FLAGS, timeout=30_000
            )
            try:
                context = await browser.new_context(viewport={"width": WIDE_SCREEN, "height": 1200})
                context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
                await _without_search(context)
                page = await context.new_page()
                for path in pages:
                    await page.set_viewport_size({"width": WIDE_SCREEN, "height": 1200})
                    await page.goto(site.url + path, wait_until="load")
                    await page.evaluate("document.fonts.ready")
                    wide = await page.evaluate(PAIRS)
                    first = await page.query_selector("article .dbarch-beside")
                    await first.scroll_into_view_if_needed()
                    slug = path.strip("/").replace("/", "-")
                    await page.screenshot(path=SCREENSHOTS / f"beside-{slug}-{WIDE_SCREEN}.png")
                    await page.set_viewport_size({"width": 1280, "height": 900})
                    await _settle(page)
                    found[path] = list(zip(wide, await page.evaluate(PAIRS), strict=True))
            finally:
                await browser.close()
        return found

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return _bounded(look())


def test_on_a_wide_screen_plans_stand_beside_their_queries(pairs) -> None:
    assert len(pairs) >= 2 and sum(map(len, pairs.values())) >= 10, pairs
    for path, measured in pairs.items():
        for wide, narrow in measured:
            assert wide["beside"], f"/{path}: the plan of {wide['query']!r} is not beside it"
            assert wide["overflow"] <= 1, f"/{path}: {wide['query']!r} scrolls at {WIDE_SCREEN}"
            assert not narrow["beside"], f"/{path}: {narrow['query']!r} side by side at 1280 px"


# --- print: a phase page on paper ----------------------------------------------------------------

PRINTED = """() => {
  const shown = el => { const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
  const frame = ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary',
                 '.md-footer', '.md-search', '.md-content__button', '.md-clipboard'];
  const boxes = [...document.querySelectorAll('article .task-list-item .task-list-indicator')];
  const drawn = boxes.filter(el => {
    const b = getComputedStyle(el, '::before');
    return b.content !== 'none' && parseFloat(b.width) > 4 && parseFloat(b.height) > 4
      && b.borderTopStyle === 'solid' && parseFloat(b.borderTopWidth) > 0
      && b.maskImage === 'none' && shown(el.closest('.task-list-item'));
  });
  return {frameShown: frame.filter(sel => [...document.querySelectorAll(sel)].some(shown)),
          boxes: boxes.length, drawn: drawn.length,
          text: shown(document.querySelector('article h1'))};
}"""


@pytest.fixture(scope="module")
def printed(chromium: str, site: Site) -> dict[str, Any]:
    """The indexing chapter with print media emulated; a PDF of it in artifacts/."""
    from playwright.async_api import async_playwright

    async def look() -> dict[str, Any]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_FLAGS, timeout=30_000
            )
            try:
                page = await browser.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(NAVIGATION_TIMEOUT_MS)
                await page.goto(site.url + CHAPTER, wait_until="load")
                screen = await page.evaluate(PRINTED)
                await page.emulate_media(media="print")
                paper = await page.evaluate(PRINTED)
                await page.pdf(path=SCREENSHOTS / "chapter-indexing.pdf", print_background=False)
            finally:
                await browser.close()
        return {"screen": screen, "print": paper}

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return _bounded(look())


def test_a_phase_page_prints_as_a_checklist_with_its_boxes(printed) -> None:
    screen, paper = printed["screen"], printed["print"]
    assert ".md-header" in screen["frameShown"], "the measurement does not see the header at all"
    assert paper["frameShown"] == [], f"printed with the page: {paper['frameShown']}"
    assert paper["text"]
    assert paper["boxes"] >= 10, paper
    assert paper["drawn"] == paper["boxes"], f"{paper['drawn']} of {paper['boxes']} boxes printed"
