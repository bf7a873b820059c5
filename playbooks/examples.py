"""Every fence on every page and every file under snippets/: what runs, on what, and what does not.

One classification serves the example runner and the census: a fence is executed here (SQL),
executed by pytest-markdown-docs (Python), executed through the snippet file it includes,
or marked `norun="reason"`. Anything else is a census failure.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path

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

    @property
    def includes(self) -> list[str] | None:
        """The snippet paths when the body is nothing but --8<-- includes, else None."""
        lines = [ln for ln in self.body.splitlines() if ln.strip()]
        found = [_INCLUDE.match(ln) for ln in lines]
        if lines and all(found):
            return [m.group(1).split(":")[0] for m in found if m]
        return None


@dataclass(frozen=True)
class Verdict:
    where: str
    executed_by: str | None  # "statement runner", "pytest-markdown-docs", "snippet file(s)"
    reason: str  # why not executed, or what is wrong


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
    return _fences(path.read_text(), path.relative_to(root).as_posix(), 0, False)


def _fences(text: str, page: str, offset: int, nested: bool) -> list[Fence]:
    from markdown_it import MarkdownIt

    fences = []
    for token in MarkdownIt("commonmark").parse(text):
        if not token.map:
            continue
        line = offset + token.map[0]
        if token.type == "fence":
            lang, attrs, words = parse_info(token.info)
            fences.append(Fence(page, line + 1, lang, attrs, words, token.content, nested))
        elif token.type == "code_block":
            # Content tabs (=== "…") and admonitions (!!! …) indent their body by four spaces,
            # which CommonMark reads as an indented code block: parse the body as Markdown.
            fences.extend(_fences(token.content, page, line, True))
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
    where = f"{fence.page}:{fence.line}"
    if "norun" in fence.attrs:
        if not fence.attrs["norun"].strip():
            return Verdict(where, None, 'norun needs a reason: norun="why this cannot run"')
        if fence.lang in PYTHON_LANGS and "notest" not in fence.words:
            return Verdict(where, None, "a Python fence marked norun must also say notest")
        return Verdict(where, "not executed", fence.attrs["norun"])
    includes = fence.includes
    if includes is not None:
        missing = [p for p in includes if f"snippets/{p}" not in snippet_examples]
        if missing:
            return Verdict(
                where, None, f"includes snippets that no test runs: {', '.join(missing)}"
            )
        return Verdict(where, "snippet file(s)", ", ".join(includes))  # run, or read by a test
    if "--8<--" in fence.body:
        return Verdict(where, None, "mixes --8<-- includes with inline code; use one or the other")
    if fence.lang in PYTHON_LANGS:
        if fence.nested:
            return Verdict(
                where,
                None,
                "pytest-markdown-docs cannot see a Python fence inside a tab or admonition: "
                "put the code in a snippet file and include it",
            )
        if "notest" in fence.words:
            return Verdict(where, None, 'notest without a reason: add norun="why"')
        return Verdict(where, "pytest-markdown-docs", "")
    if fence.lang in STATEMENT_LANGS:
        known = STATEMENT_LANGS[fence.lang]
        engine = fence.attrs.get("engine", known[0])
        if engine not in known:
            return Verdict(where, None, f"unknown {fence.lang} engine {engine!r}; known: {known}")
        return Verdict(where, "statement runner", "")
    return Verdict(
        where, None, f'a {fence.lang or "plain"} fence is neither executed nor norun="reason"'
    )


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
            f"{rel}:{n}", None, "fence not recognised (a blank line is needed after === or !!!)"
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
        for fence in fences:
            if "output" in fence.words:
                verdicts.append(_attach_output(fence, shown, examples))
                shown = None
                continue
            # Other snippet files (configuration) are vouched for by the census test instead.
            verdict = classify(fence, set(by_source) | set(stray))
            verdicts.append(verdict)
            shown = None
            if verdict.executed_by == "statement runner":
                examples.append(
                    Example(fence.page, fence.line + 1, fence.lang, fence.body, dict(fence.attrs))
                )
                shown = len(examples) - 1
            elif verdict.executed_by == "snippet file(s)" and len(fence.includes or []) == 1:
                shown = by_source.get(f"snippets/{(fence.includes or [''])[0]}")
    return Collection(examples, verdicts, stray)


def _attach_output(fence: Fence, shown: int | None, examples: list[Example]) -> Verdict:
    where = f"{fence.page}:{fence.line}"
    target = examples[shown] if shown is not None else None
    comparable = target is not None and (
        (target.lang == "sql" and target.engine == "postgres") or target.lang == "python"
    )
    if not comparable:
        return Verdict(
            where, None, "an output fence must follow a PostgreSQL SQL or a Python snippet"
        )
    if target.output is not None:
        return Verdict(where, None, f"{target} already has its output shown at {target.output_at}")
    examples[shown] = replace(target, output=fence.body, output_at=where)
    return Verdict(where, "compared with the engine's output", str(target))
