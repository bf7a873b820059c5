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
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from playbooks.testing import record_engine, unavailable

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHAPTER = "phases/indexing/"  # the chapter that is searched for and photographed
SEARCH_TERM = "BRIN"  # an index type the chapter has a section on
TABS_PAGE = "verification/"  # holds two linked content-tab sets: PostgreSQL / MariaDB (/ Redis)
MAX_PAGE_BYTES = 1_500_000
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".woff2": "font/woff2",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Site:
    url: str
    root: Path

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
def site(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[Site]:
    """The handbook built with `mkdocs build --strict` for, and served on, a free local port."""
    root = tmp_path_factory.mktemp("site")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(root)],
        cwd=ROOT,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "DBARCH_SITE_URL": url,
            # A GitHub repository, as a published build has: Material's script would fetch its
            # stars and forks from GitHub's API unless docs/overrides/partials/source.html
            # removes that, and the tests below see every request.
            "DBARCH_REPO_URL": os.environ.get(
                "DBARCH_REPO_URL", "https://github.com/example/dbarch"
            ),
        },
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        server.server_close()
        pytest.fail(f"mkdocs build --strict failed:\n{built.stdout}{built.stderr}", False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(url, root)
    server.shutdown()
    server.server_close()


# --- the tour ----------------------------------------------------------------------------------

Action = Callable[[Any, Visit], Awaitable[None]]


async def _visit(browser: Any, site: Site, path: str, action: Action | None, limit) -> Visit:
    """Open `path` in a new context, wait until the page and its search index have loaded, and
    run `action(page, visit)`."""
    visit = Visit(path)
    finished: list[Any] = []
    async with limit:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
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


def _home(term: str) -> Action:
    async def photograph_and_search(page: Any, visit: Visit) -> None:
        await page.screenshot(path=SCREENSHOTS / "home.png", full_page=True)
        visit.found["term"] = term
        await _search(page, visit, term)

    return photograph_and_search


async def _search(page: Any, visit: Visit, term: str) -> None:
    await page.locator("input.md-search__input").click()
    await page.keyboard.type(term)
    results = page.locator(".md-search-result__item a")
    await results.first.wait_for(state="visible")
    visit.found["results"] = await results.evaluate_all("links => links.map(a => a.href)")


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
    return asyncio.run(_tour(chromium, site, actions))


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
