"""Every fence on every page and every file under snippets/: what runs, on what, and what does not.

One classification serves the example runner and the census: a fence is executed here (SQL),
executed by pytest-markdown-docs (Python), executed through the snippet file it includes,
or marked `norun="reason"`. Anything else is a census failure.

Where versions differ, the page shows what each prints in content tabs whose titles name the
versions (`=== "PostgreSQL 17 and 18"`, `=== "MariaDB 11.8, MySQL 9.7"`): each tab holds an
output block for those versions, and may say `error=` (or `error=none`) where the versions
differ in whether the example fails. A version no tab names fails the example.
"""

from __future__ import annotations

import enum
import functools
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import markdown

# The languages the runner executes statement by statement, and their engines (default first).
STATEMENT_LANGS = {
    "sql": ("postgres", "mariadb"),
    "cypher": ("kuzu", "neo4j"),
    "cql": ("cassandra",),
}
SQL_ENGINES = STATEMENT_LANGS["sql"]
PYTHON_LANGS = ("python", "py", "python3")
_SUFFIX_LANGS = {".sql": "sql", ".cypher": "cypher", ".cql": "cql"}
_INCLUDE = re.compile(r"""^\s*-{1,2}8<-{1,2}\s+["']([^"']+)["']\s*$""")
_HEADER = re.compile(r"^\s*(?:--|#)\s*example:(.*)$")
_TAB = re.compile(r'^===\+?\s+"(?P<title>[^"]*)"\s*$')
# How a content tab's title names an engine; its versions follow it.
ENGINE_TITLES = {"postgresql": "postgres", "mariadb": "mariadb", "mysql": "mysql"}
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")


def tab_versions(title: str) -> tuple[tuple[str, str], ...]:
    """`PostgreSQL 17 and 18` → (("postgres", "17"), ("postgres", "18")); `MariaDB 11.8, MySQL
    9.7` → (("mariadb", "11.8"), ("mysql", "9.7")). Empty when the title names no version."""
    found: list[tuple[str, str]] = []
    engine = None
    for word in re.split(r"[\s,]+", title.strip()):
        if word.lower() in ENGINE_TITLES:
            engine = ENGINE_TITLES[word.lower()]
        elif engine and _VERSION.match(word):
            found.append((engine, word))
        elif word not in ("and", ""):
            return ()
    return tuple(found)


def version_matches(shown: str, version: str) -> bool:
    """A version a tab names (`17`, `10.11`) covers the server's (`17.12`, `10.11.19`)."""
    return version == shown or version.startswith(shown + ".")


@dataclass(frozen=True)
class Variant:
    """What a content tab shows for the versions its title names: output and expected error."""

    title: str
    versions: tuple[tuple[str, str], ...]
    output: str
    at: str  # page:line of the output block
    error: str | None = None  # None: as the example says; "none": no error on these versions
    group: int = 0  # the line of the first tab of its group

    def covers(self, engine: str, version: str) -> bool:
        return any(e == engine and version_matches(v, version) for e, v in self.versions)


@dataclass(frozen=True)
class CodeVariant:
    """The code a content tab shows for the versions its title names."""

    title: str
    versions: tuple[tuple[str, str], ...]
    example: Example


@dataclass(frozen=True)
class Example:
    """Code that the suite executes: a SQL fence on a page, or a snippet file."""

    source: str  # path relative to the project root
    line: int  # 1-based line of the first line of code
    lang: str  # "sql", "cypher", "cql" or "python"
    code: str
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    output: str | None = field(default=None, compare=False)  # what the page shows it prints
    output_at: str = field(default="", compare=False)  # where the page shows it
    # Per version, when versions differ: the content tabs after the example (output is then
    # the first tab's, and None switches the comparison off as for an untabbed output).
    variants: tuple[Variant, ...] = field(default=(), compare=False)
    # When the code itself differs: one example for a group of content tabs titled with
    # versions, each tab's code (and error=) for the versions it names.
    code_variants: tuple[CodeVariant, ...] = field(default=(), compare=False)

    @property
    def engine(self) -> str:
        if self.lang == "python":
            return "python"
        return self.attrs.get("engine", STATEMENT_LANGS[self.lang][0])

    @property
    def data(self) -> str:
        return self.attrs.get("data", "sample" if self.engine == "postgres" else "none")

    @property
    def error(self) -> str | None:
        return self.attrs.get("error")

    @property
    def after(self) -> list[str]:
        """Snippets (paths under snippets/) to run first, in the same database: their end
        state, expected error included, is where this example starts."""
        return [p for p in self.attrs.get("after", "").split(",") if p]

    @property
    def fixtures(self) -> list[str]:
        return [f for f in self.attrs.get("fixtures", "").split(",") if f]

    def for_version(self, engine: str, version: str) -> Example | None:
        """This example as the code tab naming that engine version shows it (itself when it
        has no code tabs); None when no tab names it."""
        if not self.code_variants:
            return self
        for v in self.code_variants:
            if any(e == engine and version_matches(n, version) for e, n in v.versions):
                return replace(
                    v.example, output=self.output, output_at=self.output_at, variants=self.variants
                )
        return None

    def variant_for(self, engine: str, version: str) -> Variant | None:
        """The tab that shows what this engine version does; None when no tab names it."""
        return next((v for v in self.variants if v.covers(engine, version)), None)

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class Fence:
    page: str
    line: int  # line of the opening ``` (1-based)
    lang: str
    attrs: dict[str, str]
    words: frozenset[str]  # bare options such as `notest` or `fixture:conn`
    body: str
    nested: bool = False  # inside an indented block: a content tab, an admonition
    tab: str | None = None  # the title of the content tab it is in, if any
    tab_group: int = 0  # the line of the first tab of that group of tabs (0: in none)

    @property
    def includes(self) -> list[str] | None:
        """The snippet paths when the body is nothing but --8<-- includes, else None."""
        lines = [ln for ln in self.body.splitlines() if ln.strip()]
        found = [_INCLUDE.match(ln) for ln in lines]
        if lines and all(found):
            return [m.group(1).split(":")[0] for m in found if m]
        return None


class Kind(enum.Enum):
    """How the suite verifies a fence: the census fails on UNVERIFIED only."""

    STATEMENTS = "run by the statement runner"
    PYTHON = "run by pytest-markdown-docs"
    SNIPPETS = "includes snippet files the suite runs (or a test reads)"
    OUTPUT = "compared with what the engine printed"
    NOT_RUN = "shown for reading, with the reason"
    UNVERIFIED = "nothing verifies it"


@dataclass(frozen=True)
class Verdict:
    page: str
    line: int  # the line of the opening fence (1-based)
    kind: Kind
    reason: str = ""  # for NOT_RUN, why not; for UNVERIFIED, what is wrong
    includes: tuple[str, ...] = ()  # SNIPPETS: the snippet paths, as under snippets/
    fence: Fence | None = None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def parse_info(info: str) -> tuple[str, dict[str, str], frozenset[str]]:
    """`{.sql engine=mariadb norun="plan output"}` or plain `sql` → (lang, attrs, words)."""
    info = info.strip()
    if not info.startswith("{"):
        parts = info.split()
        return (parts[0] if parts else "", {}, frozenset(parts[1:]))
    lang, attrs, words = "", {}, set()
    for token in shlex.split(info.strip("{}")):
        if token.startswith(".") and not lang:
            lang = token[1:]
        elif "=" in token and not token.startswith(("fixture:", "runner:")):
            key, value = token.split("=", 1)
            attrs[key] = value
        else:
            words.add(token)
    return lang, attrs, frozenset(words)


def page_fences(path: Path, root: Path) -> list[Fence]:
    return fences_in(path.read_text(), path.relative_to(root).as_posix())


def fences_in(markdown: str, page: str = "") -> list[Fence]:
    """Every fenced code block of a Markdown text, also inside content tabs and admonitions:
    the one fence parser of the collector, the census and the site hook."""
    return [replace(fence, page=page) for fence in _parsed(markdown)]


@functools.lru_cache(maxsize=64)
def _parsed(markdown: str) -> tuple[Fence, ...]:
    """The site build parses each page twice (collector, then hook): once is enough."""
    return tuple(_fences(markdown, "", 0, False, None, 0))


def _fences(
    text: str, page: str, offset: int, nested: bool, tab: str | None, group: int
) -> list[Fence]:
    fences = []
    title, group_at, after_tab = None, 0, False  # the tab whose indented body comes next
    for token in markdown.blocks(text):
        if not token.map or token.type == "paragraph_open":
            continue
        line = offset + token.map[0]
        m = _TAB.match(token.content) if token.type == "inline" else None
        if m:  # a tab right after another tab's body is in the same group of tabs
            title, group_at = m["title"], group_at if after_tab else line + 1
            continue
        if token.type == "fence":
            lang, attrs, words = parse_info(token.info)
            body = token.content
            fences.append(Fence(page, line + 1, lang, attrs, words, body, nested, tab, group))
        elif token.type == "code_block":
            # Content tabs (=== "…") and admonitions (!!! …) indent their body by four spaces,
            # which CommonMark reads as an indented code block: parse the body as Markdown.
            inner = (title, group_at) if title is not None else (tab, group)
            fences.extend(_fences(token.content, page, line, True, *inner))
        after_tab = title is not None and token.type == "code_block"
        title = None
    return fences


def snippet_example(path: Path, root: Path) -> Example | None:
    """The example a snippet file is, or None when it is not code the suite can run."""
    rel = path.relative_to(root).as_posix()
    engine_dir = path.relative_to(root / "snippets").parts[0]
    code = path.read_text()
    attrs: dict[str, str] = {}
    for line in code.splitlines()[:5]:
        m = _HEADER.match(line)
        if m:
            attrs.update(dict(t.split("=", 1) for t in shlex.split(m.group(1)) if "=" in t))
    if path.suffix in _SUFFIX_LANGS:
        attrs.setdefault("engine", engine_dir)
        return Example(rel, 1, _SUFFIX_LANGS[path.suffix], code, attrs)
    if path.suffix == ".py":
        return Example(rel, 1, "python", code, attrs)
    return None


def classify(fence: Fence, snippet_examples: set[str]) -> Verdict:
    def verdict(kind: Kind, reason: str = "", includes: tuple[str, ...] = ()) -> Verdict:
        return Verdict(fence.page, fence.line, kind, reason, includes, fence)

    def problem(reason: str) -> Verdict:
        return verdict(Kind.UNVERIFIED, reason)

    if "norun" in fence.attrs:
        if not fence.attrs["norun"].strip():
            return problem('norun needs a reason: norun="why this cannot run"')
        if fence.lang in PYTHON_LANGS and "notest" not in fence.words:
            return problem("a Python fence marked norun must also say notest")
        return verdict(Kind.NOT_RUN, fence.attrs["norun"])
    includes = fence.includes
    if includes is not None:
        missing = [p for p in includes if f"snippets/{p}" not in snippet_examples]
        if missing:
            return problem(f"includes snippets that no test runs: {', '.join(missing)}")
        return verdict(Kind.SNIPPETS, includes=tuple(includes))  # run, or read by a test
    if "--8<--" in fence.body:
        return problem("mixes --8<-- includes with inline code; use one or the other")
    if fence.lang in PYTHON_LANGS:
        if fence.nested:
            return problem(
                "pytest-markdown-docs cannot see a Python fence inside a tab or admonition: "
                "put the code in a snippet file and include it"
            )
        if "notest" in fence.words:
            return problem('notest without a reason: add norun="why"')
        return verdict(Kind.PYTHON)
    if fence.lang in STATEMENT_LANGS:
        known = STATEMENT_LANGS[fence.lang]
        engine = fence.attrs.get("engine", known[0])
        if engine not in known:
            return problem(f"unknown {fence.lang} engine {engine!r}; known: {known}")
        return verdict(Kind.STATEMENTS)
    return problem(f'a {fence.lang or "plain"} fence is neither executed nor norun="reason"')


_FENCE_LINE = re.compile(r"^\s*(```|~~~)")


def _unparsed_fence_lines(page: Path, root: Path, fences: list[Fence]) -> list[Verdict]:
    """Fence markers that the parse did not see as fences: a fence the census would miss."""
    seen = set()
    for f in fences:
        seen.add(f.line)
        seen.add(f.line + f.body.count("\n") + 1)
    rel = page.relative_to(root).as_posix()
    return [
        Verdict(
            rel,
            n,
            Kind.UNVERIFIED,
            "fence not recognised (a blank line is needed after === or !!!)",
        )
        for n, text in enumerate(page.read_text().splitlines(), 1)
        if _FENCE_LINE.match(text) and n not in seen
    ]


@dataclass
class Collection:
    examples: list[Example]  # run by our runner (SQL fences, snippet files)
    verdicts: list[Verdict]  # one per fence on a page
    stray_snippets: list[str]  # files under snippets/ that are no example


def collect(root: Path) -> Collection:
    examples: list[Example] = []
    stray: list[str] = []
    snippets = root / "snippets"
    for path in sorted(snippets.rglob("*")) if snippets.is_dir() else []:
        if path.is_file() and "__pycache__" not in path.parts:
            example = snippet_example(path, root)
            if example is None:
                stray.append(path.relative_to(root).as_posix())
            else:
                examples.append(example)
    by_source = {e.source: i for i, e in enumerate(examples)}
    verdicts: list[Verdict] = []
    docs = root / "docs"
    for page in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        fences = page_fences(page, root)
        verdicts.extend(_unparsed_fence_lines(page, root, fences))
        shown: int | None = None  # the example whose output a following output fence shows
        shown_tab: tuple[str | None, int] = (None, 0)  # the content tab that example is in
        code_group = 0  # the group of tabs the last example's code came from
        for fence in fences:
            if "output" in fence.words:
                # In the content tab its example is in, an output is that tab's, not a version's.
                own_tab = fence.tab is not None and (fence.tab, fence.tab_group) == shown_tab
                verdicts.append(_attach_output(fence, shown, examples, own_tab))
                if fence.tab is None or own_tab:  # the next tab shows the same example
                    shown = None
                continue
            # Other snippet files (configuration) are vouched for by the census test instead.
            verdict = classify(fence, set(by_source) | set(stray))
            verdicts.append(verdict)
            shown, shown_tab = None, (fence.tab, fence.tab_group)
            if verdict.kind is Kind.STATEMENTS:
                example = Example(fence.page, fence.line + 1, fence.lang, fence.body, fence.attrs)
                versions = tab_versions(fence.tab or "")
                if versions:  # code in a tab titled with versions: runs on those versions only
                    code = CodeVariant(fence.tab or "", versions, example)
                    last = examples[-1] if examples else None
                    if last and last.code_variants and code_group == fence.tab_group:
                        examples[-1] = replace(last, code_variants=(*last.code_variants, code))
                        shown = len(examples) - 1
                        continue
                    example = replace(example, code_variants=(code,))
                examples.append(example)
                shown, code_group = len(examples) - 1, fence.tab_group
            elif verdict.kind is Kind.SNIPPETS and len(verdict.includes) == 1:
                shown = by_source.get(f"snippets/{verdict.includes[0]}")
    return Collection(examples, verdicts, stray)


def _attach_output(
    fence: Fence, shown: int | None, examples: list[Example], own_tab: bool = False
) -> Verdict:
    def problem(reason: str) -> Verdict:
        return Verdict(fence.page, fence.line, Kind.UNVERIFIED, reason, fence=fence)

    target = examples[shown] if shown is not None else None
    at = f"{fence.page}:{fence.line}"
    if fence.tab is not None and not own_tab and shown is not None and target is not None:
        return _attach_variant(fence, shown, examples, problem)
    comparable = target is not None and (
        (target.lang == "sql" and target.engine == "postgres") or target.lang == "python"
    )
    if shown is None or target is None or not comparable:
        return problem("an output fence must follow a PostgreSQL SQL or a Python snippet")
    if target.output is not None:
        return problem(f"{target} already has its output shown at {target.output_at}")
    examples[shown] = replace(target, output=fence.body, output_at=at)
    return Verdict(fence.page, fence.line, Kind.OUTPUT, str(target), fence=fence)


def _newest(versions: tuple[tuple[str, str], ...]) -> tuple[int, ...]:
    return max(tuple(int(n) for n in v.split(".")) for _, v in versions)


def _attach_variant(
    fence: Fence, shown: int, examples: list[Example], problem: Callable[[str], Verdict]
) -> Verdict:
    """An output block in a content tab: what the versions the tab's title names print."""
    target, title = examples[shown], fence.tab or ""
    if not (target.lang == "sql" and target.engine == "postgres"):
        return problem("an output block in a content tab must follow a PostgreSQL SQL example")
    versions = tab_versions(title)
    if not versions:
        return problem(
            f"the content tab {title!r} names no version: title the tabs of an output with "
            'the versions they show, e.g. === "PostgreSQL 17 and 18"'
        )
    if target.output is not None and not target.variants:
        return problem(f"{target} already has its output shown at {target.output_at}")
    if target.variants and target.variants[0].group != fence.tab_group:
        return problem(f"{target} already has its output shown at {target.output_at}")
    for other in target.variants:
        twice = sorted(set(versions) & set(other.versions))
        if twice:
            named = ", ".join(f"{e} {v}" for e, v in twice)
            return problem(f"{named} shown twice: here and in the tab at {other.at}")
    if target.variants and _newest(versions) > _newest(target.variants[0].versions):
        return problem(f"the newest version comes first: put {title!r} before the other tabs")
    error = fence.attrs.get("error")
    at = f"{fence.page}:{fence.line}"
    variant = Variant(title, versions, fence.body, at, error, fence.tab_group)
    first = not target.variants
    examples[shown] = replace(
        target,
        output=fence.body if first else target.output,
        output_at=at if first else target.output_at,
        variants=(*target.variants, variant),
    )
    return Verdict(fence.page, fence.line, Kind.OUTPUT, f"{target} on {title}", fence=fence)
