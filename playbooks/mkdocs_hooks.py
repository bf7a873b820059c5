"""MkDocs hooks (`hooks:` in mkdocs.yml): each chapter says which engines its examples ran on.

Nothing here is written by hand. At every build the hook asks the collector the test suite uses
(`playbooks.examples.collect`) what each page executes and on which engine:

* under the title of every page in docs/phases/ it inserts a "proven" admonition naming the engines
  its executed code blocks run on, how many blocks run and how many outputs shown are compared;
* on the home page it replaces the `<!-- phases -->` marker with one card per chapter in the nav,
  with the chapter's first sentence and the same engine line;
* on every page it labels output blocks ("compared with what the engine printed") and blocks
  shown for reading only (with their `norun` reason), for the stylesheet to show.

A chapter whose examples move to another engine shows the new engine at the next build. Without
DBARCH_REPO_URL, the edit links point at the checkout's `origin` remote when it is a hosted
repository, and are left out when it is not.
"""

from __future__ import annotations

import ast
import functools
import posixpath
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    from playbooks.examples import Collection, collect, page_fences, parse_info
except ImportError:  # mkdocs run from a checkout whose package is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from playbooks.examples import Collection, collect, page_fences, parse_info

# The major versions the suite runs and tests/test_engines.py asserts.
ENGINE_LABELS = {
    "postgres": "PostgreSQL 15",
    "mariadb": "MariaDB 10.11",
    "redis": "Redis 7",
    "pgbouncer": "PgBouncer",
    "kuzu": "Kuzu (in-process)",
    "mongodb": "MongoDB 7 (where Docker runs)",
    "cassandra": "Cassandra 4.1 (where Docker runs)",
    "neo4j": "Neo4j 5 (where Docker runs)",
    "python": "Python",
}
# Where the fixtures a Python example asks for are defined. A fixture uses the engines of the
# fixtures it asks for; `<engine>_server` is an engine itself. Read with `ast`, not imported:
# building the site needs neither pytest nor the database drivers.
FIXTURE_FILES = ("playbooks/testing.py", "conftest.py", "tests/conftest.py")
# Fixtures that start an engine without asking for its `<engine>_server` fixture.
FIXTURE_ENGINES = {"replication": {"postgres"}, "kuzu_conn": {"kuzu"}}
# PostgreSQL extensions worth naming when a chapter's code uses them.
EXTENSIONS = {
    "PostGIS": re.compile(r"\bpostgis\b|\bST_\w+\s*\(|\bgeometry\b|\bgeography\b", re.I),
    "HypoPG": re.compile(r"\bhypopg", re.I),
}
CHAPTERS = "phases/"
MARKER = "<!-- phases -->"


@dataclass
class PageEvidence:
    """What the test suite does with the code blocks of one page."""

    engines: Counter[str] = field(default_factory=Counter)  # engine → executed blocks using it
    extensions: set[str] = field(default_factory=set)
    executed: int = 0  # code blocks the suite runs
    outputs: int = 0  # output blocks compared with what the engine printed
    not_run: int = 0  # blocks shown for reading, each with its reason

    def ordered(self) -> list[str]:
        """The engines, the one most blocks run on first."""
        return sorted(self.engines, key=lambda e: (-self.engines[e], e))

    def label(self, engine: str) -> str:
        label = ENGINE_LABELS.get(engine, engine)
        if engine == "postgres" and self.extensions:
            used = [name for name in EXTENSIONS if name in self.extensions]
            label += f" (with {' and '.join(used)})"
        return label

    def engine_line(self, counts: bool = False) -> str:
        """`PostgreSQL 15 with HypoPG and MariaDB 10.11`, or with `counts`, `40 on …, 2 on …`."""
        names = [
            (f"{self.engines[e]} on " if counts else "") + self.label(e) for e in self.ordered()
        ]
        return _and(names)


def evidence(collection: Collection, root: Path) -> dict[str, PageEvidence]:
    """Per page (path relative to the project root), what runs on which engine."""
    by_source = {e.source: e for e in collection.examples}
    inline = {(e.source, e.line): e for e in collection.examples}
    fence_words: dict[str, dict[int, frozenset[str]]] = {}
    pages: dict[str, PageEvidence] = {}
    for verdict in collection.verdicts:
        page, _, line = verdict.where.rpartition(":")
        found = pages.setdefault(page, PageEvidence())
        codes: list[str] = []
        engines: set[str] = set()
        if verdict.executed_by == "statement runner":
            example = inline.get((page, int(line) + 1))
            if example is not None:
                engines.add(example.engine)
                codes.append(example.code)
        elif verdict.executed_by == "snippet file(s)":
            for include in verdict.reason.split(", "):
                example = by_source.get(f"snippets/{include}")
                if example is None:
                    continue
                codes.append(example.code)
                if example.lang == "python":
                    engines.update(*(fixture_engines(root, f) for f in example.fixtures))
                else:
                    engines.add(example.engine)
        elif verdict.executed_by == "pytest-markdown-docs":
            if page not in fence_words:
                fence_words[page] = {f.line: f.words for f in page_fences(root / page, root)}
            words = fence_words[page].get(int(line), frozenset())
            fixtures = [w.split(":", 1)[1] for w in words if w.startswith("fixture:")]
            engines.update(*(fixture_engines(root, f) for f in fixtures))
        elif verdict.executed_by == "compared with the engine's output":
            found.outputs += 1
            continue
        elif verdict.executed_by == "not executed":
            found.not_run += 1
            continue
        else:  # a census failure: tests/test_census.py reports it
            continue
        found.executed += 1
        engines.discard("")
        found.engines.update(engines or {"python"})  # Python that needs no server
        if "postgres" in engines:
            found.extensions.update(n for n, rx in EXTENSIONS.items() if any(map(rx.search, codes)))
    return pages


def fixture_engines(root: Path, name: str, _seen: frozenset[str] = frozenset()) -> set[str]:
    """The engines a pytest fixture needs, following the fixtures it asks for."""
    if name in FIXTURE_ENGINES:
        return set(FIXTURE_ENGINES[name])
    if name.endswith("_server"):
        return {name.removesuffix("_server")}
    found: set[str] = set()
    for asked in _fixtures(root).get(name, []):
        if asked not in _seen:
            found |= fixture_engines(root, asked, _seen | {name})
    return found


@functools.cache
def _fixtures(root: Path) -> dict[str, list[str]]:
    """Every fixture defined in FIXTURE_FILES → the names of its parameters."""
    found: dict[str, list[str]] = {}
    for rel in FIXTURE_FILES:
        path = root / rel
        if not path.is_file():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(
                "fixture" in ast.unparse(d) for d in node.decorator_list
            ):
                found[node.name] = [a.arg for a in node.args.args]
    return found


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def admonition(found: PageEvidence | None, verification: str | None) -> str:
    how = f" [How this is verified]({verification})" if verification else ""
    if found is None or not found.engines:
        return (
            '!!! note "No executed examples yet"\n\n'
            f"    No code block on this page is run by the test suite yet.{how}\n"
        )
    blocks = _plural(found.executed, "code block")
    if len(found.engines) > 1:
        text = f"The test suite runs the {blocks} of this chapter — {found.engine_line(True)} —"
    else:
        text = f"The test suite runs the {blocks} of this chapter on {found.engine_line()},"
    text += " each in a clean database"
    if found.outputs:
        shown = _plural(found.outputs, "output")
        text += f", and compares the {shown} shown with what the engine printed"
    text += "."
    if found.not_run == 1:
        text += " The one block shown for reading only says why it cannot run."
    elif found.not_run:
        text += f" The {found.not_run} blocks shown for reading only say why they cannot run."
    title = _and([ENGINE_LABELS.get(e, e) for e in found.ordered()])
    return f'!!! proven "Examples run on {title}"\n\n    {text}{how}\n'


_H1 = re.compile(r"^# .*$", re.M)


def insert_under_title(markdown: str, block: str) -> str:
    m = _H1.search(markdown)
    if m is None:
        return f"{block}\n{markdown}"
    return f"{markdown[: m.end()]}\n\n{block}\n{markdown[m.end() :].lstrip(chr(10))}"


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _first_sentence(markdown: str) -> str:
    """The first sentence of the first paragraph after the title, its links reduced to their
    text (they are relative to the chapter, not to the page that quotes it)."""
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block.startswith(("#", "!!!", "???", "```", "<", "|", "-", "=== ")):
            continue
        text = _LINK.sub(r"\1", " ".join(block.split()))
        m = re.match(r"(.+?[.!?])(\s|$)", text)
        return m.group(1) if m else text
    return ""


# --- MkDocs events ---------------------------------------------------------------------------

_state: dict[str, Any] = {}


def on_config(config: Any) -> None:
    _state["root"] = Path(config.config_file_path).resolve().parent
    _state["docs"] = Path(config.docs_dir).resolve().relative_to(_state["root"]).as_posix()
    if not config.repo_url:
        config.repo_url = origin_url(_state["root"])
    if not config.repo_url:  # no repository to link to: no edit links, rather than broken ones
        config.edit_uri = None


def origin_url(root: Path) -> str | None:
    """The web address of the checkout's `origin` remote, when it is a hosted repository:
    `git@host:owner/name.git` and `https://host/owner/name.git` → `https://host/owner/name`."""
    try:
        url = subprocess.run(
            ["git", "-C", str(root), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.fullmatch(
        r"(?:https://(?:[^@/]+@)?|ssh://git@|git@)([\w.-]+)[:/]([\w.-]+/[\w.-]+?)(?:\.git)?/?", url
    )
    return f"https://{m[1]}/{m[2]}" if m else None


def on_pre_build(config: Any) -> None:
    _fixtures.cache_clear()  # `mkdocs serve` rebuilds in the same process
    _state["evidence"] = evidence(collect(_state["root"]), _state["root"])


def on_nav(nav: Any, config: Any, files: Any) -> None:
    _state["chapters"] = [
        (page.title, page.file) for page in nav.pages if page.file.src_uri.startswith(CHAPTERS)
    ]


def _evidence_for(src_uri: str) -> PageEvidence | None:
    return _state["evidence"].get(f"{_state['docs']}/{src_uri}")


def _link(src_uri: str, target: str, files: Any) -> str | None:
    if files.get_file_from_path(target) is None:
        return None
    return posixpath.relpath(target, posixpath.dirname(src_uri) or ".")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    markdown = label_fences(markdown)
    if src.startswith(CHAPTERS):
        block = admonition(_evidence_for(src), _link(src, "verification.md", files))
        return insert_under_title(markdown, block)
    if MARKER in markdown:
        return markdown.replace(MARKER, chapter_cards(src))
    return markdown


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")


def label_fences(markdown: str) -> str:
    """Give output blocks and not-run blocks a class (and the reason) the stylesheet labels.

    `{.text output}` → `.dbarch-output` ("compared with what the engine printed": the census
    fails on an output block that follows nothing it can compare), left out of the search index;
    `{… norun="why"}` → `.dbarch-norun` with `data-norun="why"`, shown above the block.
    """
    lines = markdown.split("\n")
    closing: tuple[str, int] | None = None  # the fence we are inside: its character and length
    for n, line in enumerate(lines):
        m = _FENCE.match(line)
        if m is None:
            continue
        mark, info = m["mark"], m["info"].strip()
        if closing is not None:
            if mark[0] == closing[0] and len(mark) >= closing[1] and not info:
                closing = None
            continue
        closing = (mark[0], len(mark))
        if not (info.startswith("{") and info.endswith("}")):
            continue
        try:
            _, attrs, words = parse_info(info)
        except ValueError:  # unbalanced quotes: the build shows the block as it is
            continue
        extra = ""
        if "output" in words:  # result tables and plans: noise in the search index
            extra = ' .dbarch-output data-search-exclude="output"'
        elif attrs.get("norun", "").strip():
            reason = attrs["norun"].replace('"', "&quot;")
            extra = f' .dbarch-norun data-norun="{reason}"'
        if extra:
            lines[n] = f"{m['indent']}{mark}{info[:-1].rstrip()}{extra}}}"
    return "\n".join(lines)


def chapter_cards(src: str) -> str:
    cards = []
    for title, file in _state.get("chapters", []):
        text = Path(file.abs_src_path).read_text()
        name = title or (_H1.search(text) or [file.name])[0].lstrip("# ")
        found = _evidence_for(file.src_uri)
        if found and found.engines:
            runs = f"{_plural(found.executed, 'example')} run on {found.engine_line()}"
            badge = f'<span class="dbarch-runs">{runs}</span>'
        else:
            badge = '<span class="dbarch-runs dbarch-runs--none">no executed examples yet</span>'
        link = posixpath.relpath(file.src_uri, posixpath.dirname(src) or ".")
        cards.append(
            f"-   **[{name}]({link})**\n\n"
            f"    ---\n\n"
            f"    {_first_sentence(_H1.sub('', text, count=1))}\n\n"
            f"    {badge}\n"
        )
    if not cards:
        return ""
    return '<div class="grid cards" markdown>\n\n' + "\n".join(cards) + "\n</div>\n"
