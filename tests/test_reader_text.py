"""The pages as a reader reads them: no talk of a "brief" the reader never saw, and every
"Common advice: …" box listed on the corrections page, with a link to the section it sits in."""

from __future__ import annotations

import re
from pathlib import Path

from markdown.extensions.toc import slugify

from playbooks import paths
from playbooks.terminal import and_list

ROOT = Path(__file__).resolve().parents[1]
DOCS = paths.DOCS
CORRECTIONS = DOCS / "corrections.md"
# Any "brief", in any case: `grep -ri brief docs snippets` must find nothing.
BRIEF = re.compile(r"brief", re.IGNORECASE)
ADVICE = re.compile(r'^!!! (\w+) "Common advice: (.+)"$')
HEADING = re.compile(r"^#{2,6} (.+?)(?: \{#([\w-]+)\})?$")
ENTRY = re.compile(r"\[Common advice: (.+?)\]\(([^)#]+)#([\w-]+)\)")


def text_files(root: Path) -> list[Path]:
    """Every file under root that is UTF-8 text (fonts and images are skipped)."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found.append(path)
    return found


def test_no_page_or_snippet_mentions_a_brief() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for root in (DOCS, paths.SNIPPETS)
        for path in text_files(root)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BRIEF.search(line)
    ]
    names = [
        str(p.relative_to(ROOT))
        for root in (DOCS, paths.SNIPPETS)
        for p in root.rglob("*")
        if BRIEF.search(p.name)
    ]
    assert not hits, "\n".join(hits)
    assert not names, names


def advice_boxes() -> list[tuple[str, str, str, str]]:
    """(kind, title, page, anchor of the section above) for every "Common advice" box."""
    boxes = []
    for page in sorted(DOCS.rglob("*.md")):
        anchor = ""
        in_fence = False
        for line in page.read_text().splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            if in_fence:
                continue
            if heading := HEADING.match(line):
                title, explicit = heading.groups()
                anchor = explicit or slugify(title.replace("`", ""), "-")
            elif box := ADVICE.match(line):
                kind, title = box.groups()
                boxes.append((kind, title, str(page.relative_to(DOCS)), anchor))
    return boxes


def test_the_boxes_exist_and_share_one_style() -> None:
    boxes = advice_boxes()
    assert len(boxes) >= 20
    assert {kind for kind, *_ in boxes} == {"warning"}
    assert not [b for b in boxes if b[2] == "corrections.md"]


def test_every_correction_is_listed_with_a_link_to_its_section_and_nothing_else() -> None:
    listed = {
        (title, str((CORRECTIONS.parent / page).relative_to(DOCS)), anchor)
        for title, page, anchor in ENTRY.findall(CORRECTIONS.read_text())
    }
    boxed = {(title, page, anchor) for _, title, page, anchor in advice_boxes()}
    assert boxed - listed == set(), "boxes missing from corrections.md"
    assert listed - boxed == set(), "entries on corrections.md with no box at that section"


def test_the_corrections_page_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    assert re.search(r"^\s+- .+: corrections\.md$", nav, re.MULTILINE)


def test_the_home_page_names_every_sql_engine_version_the_examples_run_on() -> None:
    """The version matrix runs every SQL block on each PostgreSQL, and each MariaDB example on
    each MariaDB and on MySQL: the home page's promise names them all."""
    from playbooks.engines import images

    home = " ".join((paths.DOCS / "index.md").read_text().split())
    promise = re.search(r"statement by statement, on (.+?), and each Python example", home)
    assert promise, "the home page no longer says where SQL blocks run"
    for engine, name in (("postgres", "PostgreSQL"), ("mariadb", "MariaDB"), ("mysql", "MySQL")):
        versions = sorted(images.VERSIONS[engine], key=lambda v: [int(n) for n in v.split(".")])
        said = and_list(versions)
        assert f"{name} {said}" in promise[1], (name, said, promise[1])
