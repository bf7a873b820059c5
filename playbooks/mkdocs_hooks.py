"""MkDocs hooks (`hooks:` in mkdocs.yml): each chapter says which engines its examples ran on.

Nothing here is written by hand. At every build the hook asks the collector the test suite uses
(`playbooks.examples.collect`) what each page executes and on which engine:

* under the title of every page in docs/phases/ and docs/operations/ it inserts a "proven"
  admonition naming the engines its executed code blocks run on, how many blocks run and how many
  outputs shown are compared;
* on the home page it replaces the `<!-- phases -->` marker with one card per chapter in the nav,
  with the chapter's first sentence and the same engine line;
* on every page it labels output blocks (with the engine the suite compares them against) and
  blocks shown for reading only (with their `norun` reason), for the stylesheet to show;
* what is plumbing for the test suite stays off the page: the `-- example: …` header of a snippet
  file is left out of the code block that includes it (the suite reads the file, not the page), and
  a test module named in the text (`tests/test_….py`) reads "the test suite".

A chapter whose examples move to another engine shows the new engine at the next build. Without
DBARCH_REPO_URL, the edit links point at the checkout's `origin` remote when it is a hosted
repository, and are left out when it is not.
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from playbooks import paths, results
from playbooks.examples import Collection, Example, Kind, collect, fences_in, tab_versions
from playbooks.fixtures import engines_of
from playbooks.terminal import and_list

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
# PostgreSQL extensions worth naming when a chapter's code uses them.
EXTENSIONS = {
    "PostGIS": re.compile(r"\bpostgis\b|\bST_\w+\s*\(|\bgeometry\b|\bgeography\b", re.I),
    "HypoPG": re.compile(r"\bhypopg", re.I),
}
CHAPTERS = ("phases/", "operations/")  # the pages that get the box and a card on the home page
MARKER = "<!-- phases -->"


@dataclass
class PageEvidence:
    """What the test suite does with the code blocks of one page."""

    engines: Counter[str] = field(default_factory=Counter)  # engine → executed blocks using it
    extensions: set[str] = field(default_factory=set)
    executed: int = 0  # code blocks the suite runs
    outputs: int = 0  # output blocks compared with what the engine printed
    not_run: int = 0  # blocks shown for reading, each with its reason
    ids: list[str] = field(default_factory=list)  # the executed examples, as results name them

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
        return and_list(names)


def evidence(collection: Collection, root: Path) -> dict[str, PageEvidence]:
    """Per page (path relative to the project root), what runs on which engine."""
    by_source = {e.source: e for e in collection.examples}
    inline = {(e.source, e.line): e for e in collection.examples}
    pages: dict[str, PageEvidence] = {}
    for verdict in collection.verdicts:
        found = pages.setdefault(verdict.page, PageEvidence())
        codes: list[str] = []
        engines: set[str] = set()
        if verdict.kind is Kind.STATEMENTS:
            example = inline.get((verdict.page, verdict.line + 1))
            if example is not None:
                engines.add(example.engine)
                codes.append(example.code)
                found.ids.append(str(example))
        elif verdict.kind is Kind.SNIPPETS:
            for include in verdict.includes:
                example = by_source.get(f"snippets/{include}")
                if example is None:
                    continue
                codes.append(example.code)
                found.ids.append(str(example))
                if example.lang == "python":
                    engines.update(*map(engines_of, example.fixtures))
                else:
                    engines.add(example.engine)
        elif verdict.kind is Kind.PYTHON:
            found.ids.append(f"{verdict.page}:{verdict.line}")
            words = verdict.fence.words if verdict.fence else frozenset()
            fixtures = [w.split(":", 1)[1] for w in words if w.startswith("fixture:")]
            engines.update(*map(engines_of, fixtures))
        elif verdict.kind is Kind.OUTPUT:
            found.outputs += 1
            continue
        elif verdict.kind is Kind.NOT_RUN:
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


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def admonition(
    found: PageEvidence | None,
    verification: str | None,
    run_results: dict | None = None,
    claims: str = "",
) -> str:
    how = f" [How this is verified]({verification})" if verification else ""
    claims = f" {claims}" if claims else ""
    if found is None or not found.engines:
        return (
            '!!! note "No executed examples yet"\n\n'
            f"    No code block on this page is run by the test suite yet.{claims}{how}\n"
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
    title = and_list([ENGINE_LABELS.get(e, e) for e in found.ordered()])
    proved = last_run(found.ids, run_results if run_results is not None else {})
    if proved.versions:
        title = proved.title()
    return f'!!! proven "Examples run on {title}"\n\n    {text} {proved.sentence()}{claims}{how}\n'


def claims_sentence(src_uri: str, run_results: dict, root: Path = paths.DOCS.parent) -> str:
    """What the last runs of the page's claim tests (tests/test_claims_<page>.py) proved: a
    skipped claim test is a claim not verified, never one that passed. Tests the module no
    longer defines are left out."""
    module = f"tests/test_claims_{Path(src_uri).stem.replace('-', '_')}.py"
    try:
        source = (root / module).read_text()
    except OSError:
        return ""
    states: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for nodeid, by_version in run_results.get("claims", {}).items():
        file, _, name = nodeid.partition("::")
        if file != module or f"def {name.split('[')[0]}(" not in source:
            continue
        state, reason = verdict(by_version)
        states[state] += 1
        if state == "skipped":
            reasons[reason] += 1
    total = sum(states.values())
    if not total:
        return ""
    parts = [f"{states['passed']} of {total} passed"]
    if states["failed"]:
        parts.append(f"{states['failed']} failed")
    parts += [f"{n} not verified ({_short(reason)})" for reason, n in reasons.most_common()]
    return f"The chapter's claim tests, in their last run: {', '.join(parts)}."


# Engine names as the results give them (the engine of the server that ran the example).
ENGINE_NAMES = {
    "postgres": "PostgreSQL",
    "mariadb": "MariaDB",
    "mysql": "MySQL",
    "redis": "Redis",
    "pgbouncer": "PgBouncer",
    "kuzu": "Kuzu",
    "mongodb": "MongoDB",
    "cassandra": "Cassandra",
    "neo4j": "Neo4j",
}


@dataclass
class LastRun:
    """What the results file says of a page's examples."""

    total: int = 0
    passed: int = 0  # on every version that ran them
    failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason → examples
    missing: int = 0  # not in the results: not run since the file was written
    versions: dict[str, list[str]] = field(default_factory=dict)  # engine → versions, passed
    commit: str = ""
    at: str = ""

    def title(self) -> str:
        return and_list(
            [f"{ENGINE_NAMES.get(e, e)} {and_list(vs)}".strip() for e, vs in self.versions.items()]
        )

    def sentence(self) -> str:
        if self.missing == self.total:
            return "Not verified in this build: no results of a test run were found for them."
        parts = [f"{self.passed} of {self.total} passed"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        parts += [f"{n} skipped ({_short(reason)})" for reason, n in self.skipped.items()]
        if self.missing:
            parts.append(f"{self.missing} not run since")
        commit = f"commit `{self.commit}`, " if self.commit else ""
        return f"In the last run ({commit}{self.at[:10]}): {', '.join(parts)}."


def _short(reason: str) -> str:
    """A skip reason as the box gives it: `mongodb unavailable: <why>` → `no MongoDB here` (the
    test run's summary has the why)."""
    engine = re.match(r"(\w+) unavailable: ", reason)
    return f"no {ENGINE_NAMES.get(engine[1], engine[1])} here" if engine else reason


def verdict(by_version: dict[str, dict]) -> tuple[str, str]:
    """One test's state over the versions it ran on: failed if it failed on any, passed if it
    passed on any, else skipped, with the reason."""
    states = {o.get("state") for o in by_version.values()}
    state = next((s for s in ("failed", "passed") if s in states), "skipped")
    reason = next(iter(by_version.values())).get("reason", "") if state == "skipped" else ""
    return state, reason


def last_run(ids: list[str], run_results: dict) -> LastRun:
    """Sum up, for a page's examples, the last outcomes the results file holds."""
    found = LastRun(total=len(ids))
    recorded = run_results.get("examples", {})
    for example in ids:
        by_version = recorded.get(example)
        if not by_version:
            found.missing += 1
            continue
        state, reason = verdict(by_version)
        if state == "failed":
            found.failed += 1
        elif state == "passed":
            found.passed += 1
        else:
            found.skipped[reason] += 1
        for outcome in by_version.values():
            if outcome.get("at", "") > found.at:
                found.at, found.commit = outcome["at"], outcome.get("commit", "")
            engine, version = outcome.get("engine", ""), outcome.get("version", "")
            if outcome.get("state") == "passed" and engine:
                number = re.search(r"\d+(?:\.\d+)*", version)  # 15.20 (Debian …), PgBouncer 1.18
                shown = number[0] if number else version
                if shown not in found.versions.setdefault(engine, []):
                    found.versions[engine].append(shown)
    for versions in found.versions.values():
        versions.sort(key=lambda v: [int(n) if n.isdigit() else 0 for n in v.split(".")])
    return found


VERSIONS_MARKER = "<!-- versions proven -->"


def versions_proven(run_results: dict) -> str:
    """A table of every engine version an example passed on, from the results file."""
    seen: dict[tuple[str, str, str], list] = {}
    for by_version in run_results.get("examples", {}).values():
        for o in by_version.values():
            if o.get("engine") and o.get("state") in ("passed", "failed"):
                row = seen.setdefault((o["engine"], o["version"], o.get("origin", "")), [0, 0, ""])
                row[0 if o["state"] == "passed" else 1] += 1
                row[2] = max(row[2], o.get("at", "")[:10])
    if not seen:
        return "*Not verified in this build: no results of a test run were found.*"
    lines = [
        "| Engine | Version | Where | Examples passed | Failed | Last run |",
        "|---|---|---|--:|--:|---|",
    ]
    for (engine, version, origin), (passed, failed, at) in sorted(seen.items()):
        name = ENGINE_NAMES.get(engine, engine)
        lines.append(f"| {name} | {version} | {origin} | {passed} | {failed} | {at} |")
    return "\n".join(lines)


_MEASURED = re.compile(r"<!-- measured: ([\w.-]+) -->")


def measured(markdown: str, run_results: dict) -> str:
    """`<!-- measured: key -->` → the value a claim test recorded in the last run, or a note that
    this build has none."""

    def value(m: re.Match) -> str:
        found = run_results.get("measurements", {}).get(m[1])
        if not found:
            return "(not measured in this build)"
        return f"{found['value']}"

    return _MEASURED.sub(value, markdown)


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


def description(markdown: str) -> str:
    """The first sentence of a page as plain text, for link previews; "" for a page that opens
    with no sentence (buttons, a list): the site's description stands in."""
    sentence = _first_sentence(_H1.sub("", markdown, count=1))
    if "{" in sentence or not sentence.endswith((".", "!", "?")):
        return ""
    return re.sub(r"[`*]", "", sentence)


# --- MkDocs events ---------------------------------------------------------------------------

_state: dict[str, Any] = {}


def on_config(config: Any) -> None:
    _state["root"] = Path(config.config_file_path).resolve().parent
    _state["docs"] = Path(config.docs_dir).resolve().relative_to(_state["root"]).as_posix()
    if not config.repo_url:
        config.repo_url = origin_url(_state["root"])
    if not config.repo_url:  # no repository to link to: no edit links, rather than broken ones
        config.edit_uri = None
    config.markdown_extensions.append(HideExampleHeaders())


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
    collection = collect(_state["root"])
    _state["evidence"] = evidence(collection, _state["root"])
    _state["compared"] = compared_on(collection)
    _state["results"] = results.load()


def on_nav(nav: Any, config: Any, files: Any) -> None:
    _state["chapters"] = [
        (page.title, page.file) for page in nav.pages if page.file.src_uri.startswith(CHAPTERS)
    ]


# A fenced block as pymdownx.highlight renders it: `<div class="language-sql highlight">`.
_CODE_BLOCK = re.compile(
    r'<div class="(language-[^"]*\bhighlight[^"]*)"(?![^>]*data-search-exclude)'
)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Code blocks stay out of the search index, which every page downloads: they were more than
    half of it (387,000 of 695,000 characters), and their keywords (SELECT, ORDER …) matched
    everywhere. The prose around a block, inline code included, says what it does and is indexed."""
    return _CODE_BLOCK.sub(r'<div class="\1" data-search-exclude="code"', html)


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """A page with no sub-navigation (a top-level page with no sections of its own) hides the
    navigation sidebar, which would show nothing but the page's own title: the text gets the room."""
    sections = [item for top in page.toc for item in top.children] if page.toc else []
    if page.parent is None and not sections and not page.is_homepage:
        hide = page.meta.setdefault("hide", [])
        if "navigation" not in hide:
            hide.append("navigation")
    return context


# A section whose heading is a term (an index type, an acronym: "BRIN", "GiST", "ACID
# transactions") gets the term as a search tag. Material's search appends a wildcard to what is
# typed ("brin*"), so a heading with "bring" in it ranked above the BRIN section; a tag weighs
# 1000 times a title.
_HEADING_TERM = re.compile(r"^([A-Za-z][A-Za-z0-9]+)(?: [a-z]+)?$")


def search_term(title: str) -> str | None:
    """`BRIN` → BRIN, `ACID transactions` → ACID, `GiST` → GiST; `MariaDB differences`, `Hash`
    → None: a term is mostly capitals (at least two) and leads a heading of one or two words."""
    m = _HEADING_TERM.match(title)
    if m is None:
        return None
    word = m[1]
    capitals = sum(c.isupper() for c in word)
    return word if capitals >= 2 and capitals * 2 >= len(word) else None


def on_post_build(config: Any) -> None:
    index = Path(config.site_dir) / "search" / "search_index.json"
    if not index.exists():
        return
    data = json.loads(index.read_text())
    tagged = 0
    for doc in data.get("docs", []):
        term = search_term(re.sub(r"<[^>]+>", "", doc.get("title", "")).strip())
        if term and "#" in doc.get("location", "") and not doc.get("tags"):
            doc["tags"] = [term]
            tagged += 1
    if tagged:
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _evidence_for(src_uri: str) -> PageEvidence | None:
    return _state["evidence"].get(f"{_state['docs']}/{src_uri}")


def _link(src_uri: str, target: str, files: Any) -> str | None:
    if files.get_file_from_path(target) is None:
        return None
    return posixpath.relpath(target, posixpath.dirname(src_uri) or ".")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    if not page.meta.get("description"):  # <meta name="description"> and og:description
        page.meta["description"] = description(markdown) or config.site_description
    markdown = label_fences(without_test_modules(markdown), _state.get("compared", {}))
    markdown = measured(markdown, _state.get("results", {}))
    if VERSIONS_MARKER in markdown:
        markdown = markdown.replace(VERSIONS_MARKER, versions_proven(_state.get("results", {})))
    if src.startswith(CHAPTERS):
        verification = _link(src, "verification.md", files)
        run_results = _state.get("results", {})
        claims = claims_sentence(src, run_results)
        block = admonition(_evidence_for(src), verification, run_results, claims)
        return insert_under_title(markdown, block)
    if MARKER in markdown:
        return markdown.replace(MARKER, chapter_cards(src))
    return markdown


# The longest line (in characters) that the content column shows without scrolling at 1280 px;
# an output or not-run block with a longer line is marked wide (`.dbarch-wide`) and scrolls.
WIDE = 120
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")


def label_fences(markdown: str, compared: dict[str, str] | None = None) -> str:
    """Give output blocks and not-run blocks a class (and the reason) the stylesheet labels.

    `{.text output}` → `.dbarch-output` with `data-engine="PostgreSQL 15"`, the engine the suite
    compares it against (the census fails on an output block that follows nothing it can
    compare), left out of the search index; `{… norun="why"}` → `.dbarch-norun` with
    `data-norun="why"`, shown above the block. `compared` maps the source of an example (a
    snippet file, `snippets/…`) to that engine; an output after an inline SQL fence is compared on
    PostgreSQL. The fences are the collector's (`fences_in`); only their opening lines change.
    """
    lines = markdown.split("\n")
    try:
        fences = fences_in(markdown)
    except ValueError:  # unbalanced quotes in an info string: the build shows the page as it is
        return markdown
    previous = None
    for fence in fences:
        before, previous = previous, fence
        m = _FENCE.match(lines[fence.line - 1])
        if m is None:
            continue
        mark, info = m["mark"], m["info"].strip()
        if not (info.startswith("{") and info.endswith("}")):
            continue
        if "output" in fence.words and _beside(before, fence, lines):
            _add_classes(lines, before.line, " .dbarch-query")
            _add_classes(lines, fence.line, " .dbarch-beside")
            info = _FENCE.match(lines[fence.line - 1])["info"].strip()
        extra = ""
        if "output" in fence.words:  # result tables and plans: noise in the search index
            if fence.tab and tab_versions(fence.tab):  # what the versions of its tab print
                engine = fence.tab.replace('"', "")
            else:
                engine = _output_engine(before, compared or {})
            extra = ' .dbarch-output data-search-exclude="output"'
            extra += f' data-engine="{engine}"' if engine else ""
        elif fence.attrs.get("norun", "").strip():
            reason = fence.attrs["norun"].replace('"', "&quot;")
            extra = f' .dbarch-norun data-norun="{reason}"'
        if extra and max(map(len, fence.body.splitlines() or [""])) > WIDE:
            extra += " .dbarch-wide"  # what an engine printed is not rewrapped to fit
        if extra:
            lines[fence.line - 1] = f"{m['indent']}{mark}{info[:-1].rstrip()}{extra}}}"
    return "\n".join(lines)


# A plan beside its query on a wide screen (≥ 120em, the stylesheet): the query's widest line
# and the plan's, together, in characters, must fit the column there.
BESIDE = 180
_PLAN_TOP = re.compile(
    r"^\s*(Seq Scan|Index|Bitmap|Sort|Incremental Sort|Limit|Hash|Nested Loop|Merge|Aggregate|"
    r"GroupAggregate|HashAggregate|Append|Result|Gather|Unique|Subquery Scan|CTE Scan|"
    r"Function Scan|Materialize|Memoize|WindowAgg|Update|Insert|Delete|LockRows|Custom Scan)\b"
)


def _shown_text(fence: Any) -> str:
    """What a reader sees in a fence: its body, or the snippet files it includes."""
    if not fence.includes:
        return fence.body
    texts = []
    for include in fence.includes:
        path = paths.SNIPPETS / include
        texts.append(path.read_text() if path.is_file() else "")
    return "\n".join(ln for ln in "\n".join(texts).splitlines() if not EXAMPLE_HEADER.match(ln))


def _beside(query: Any, output: Any, lines: list[str]) -> bool:
    """True for a plan right after the query it is the plan of, when both are narrow."""
    if query is None or query.tab != output.tab or not _PLAN_TOP.match(output.body):
        return False
    closing = query.line + query.body.count("\n") + 1  # the line of the query's closing fence
    if closing >= output.line or any(ln.strip() for ln in lines[closing : output.line - 1]):
        return False
    widths = [
        max(map(len, text.splitlines() or [""])) for text in (_shown_text(query), output.body)
    ]
    info = _FENCE.match(lines[query.line - 1])
    return sum(widths) <= BESIDE and info is not None and info["info"].strip().startswith("{")


def _add_classes(lines: list[str], line: int, classes: str) -> None:
    """Add classes to the attribute list of the fence opening on `line` (1-based)."""
    m = _FENCE.match(lines[line - 1])
    info = m["info"].strip()
    lines[line - 1] = f"{m['indent']}{m['mark']}{info[:-1].rstrip()}{classes}}}"


def _output_engine(before: Any, compared: dict[str, str]) -> str:
    """The engine an output fence is compared against: that of the fence before it."""
    if before is None:
        return ""
    if before.includes:
        return compared.get(f"snippets/{before.includes[0]}", "")
    if before.lang == "sql":
        return ENGINE_LABELS.get(before.attrs.get("engine", "postgres"), "")
    fixtures = [w.split(":", 1)[1] for w in before.words if w.startswith("fixture:")]
    return _engines_label(fixtures)


def compared_on(collection: Collection) -> dict[str, str]:
    """For every snippet file whose output a page shows, the engine that output comes from."""
    found = {}
    for example in collection.examples:
        if example.output is not None and example.source.startswith("snippets/"):
            found[example.source] = _engine_label(example)
    return found


def _engine_label(example: Example) -> str:
    if example.lang != "python":
        return ENGINE_LABELS.get(example.engine, example.engine)
    return _engines_label([f for f in example.attrs.get("fixtures", "").split(",") if f])


def _engines_label(fixtures: list[str]) -> str:
    engines = sorted(set().union(*map(engines_of, fixtures))) if fixtures else []
    return and_list([ENGINE_LABELS.get(e, e) for e in engines]) if engines else "Python"


# --- what is plumbing for the suite stays off the page ---------------------------------------

# The header of a snippet file: `-- example: data=sample`, `# example: fixtures=conn`,
# `// example: engine=kuzu` (playbooks.examples reads it from the file's first five lines).
EXAMPLE_HEADER = re.compile(r"^\s*(?:--|#|//)\s*example:.*$")
_OPENING = re.compile(r"^\s*(`{3,}|~{3,})")


class _HideExampleHeaders(Preprocessor):
    """Runs after pymdownx.snippets (priority 32) has pulled the files in, and before
    superfences (25) turns fences into HTML: drops header lines among the first five of a fence."""

    def run(self, lines: list[str]) -> list[str]:
        kept: list[str] = []
        mark = ""  # the opening mark of the fence we are in
        seen = 0  # lines of that fence so far
        for line in lines:
            if mark:
                if line.strip().startswith(mark[0] * len(mark)) and not line.strip(mark[0]).strip():
                    mark = ""
                else:
                    seen += 1
                    if seen <= 5 and EXAMPLE_HEADER.match(line):
                        continue
            elif m := _OPENING.match(line):
                mark, seen = m[1], 0
            kept.append(line)
        return kept


class HideExampleHeaders(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_HideExampleHeaders(md), "dbarch_example_headers", 28)


_TEST_MODULE = re.compile(r"`?\btests/test_\w+\.py\b`?")
_SENTENCE_START = re.compile(r'(?:\A|\n[ \t]*\n|[.!?]\s+|\n[ \t]*[-*+][ \t]+|=")[ \t]*\Z')


def without_test_modules(markdown: str) -> str:
    """`tests/test_engines.py asserts …` → `The test suite asserts …`: a reader has the page,
    not the checkout; the Markdown keeps the module's name for whoever maintains the claim."""

    def replace(m: re.Match[str]) -> str:
        before = (
            markdown[: m.start()]
            if m.start() <= 200
            else "…" + markdown[m.start() - 200 : m.start()]
        )
        start = _SENTENCE_START.search(before)
        return "The test suite" if start else "the test suite"

    return _TEST_MODULE.sub(replace, markdown)


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
