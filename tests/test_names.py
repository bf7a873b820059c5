"""Names agree across docs/, snippets/ and tests/."""

import re
from pathlib import Path


def test_snippet_folders_and_claim_tests_take_the_name_of_their_page() -> None:
    """snippets/<engine>/<chapter>/ and tests/test_claims_<chapter>.py are named after the page
    that shows them, and a claim test names each snippet by its full path: grepping the path of
    any snippet finds its page and the tests that run it."""
    root = Path(__file__).resolve().parents[1]
    pages = {page.stem: page for page in (root / "docs").rglob("*.md")}
    problems = []
    for folder in sorted((root / "snippets").glob("*/*/")):
        engine, chapter = folder.parts[-2:]
        if engine == "lint":  # snippets/lint/<rule>/: named after the rule its page documents
            continue
        page = pages.get(chapter)
        if page is None or f'"{engine}/{chapter}/' not in page.read_text():
            problems.append(f"snippets/{engine}/{chapter}/: no page docs/**/{chapter}.md shows it")
    for test in sorted(root.glob("tests/test_claims_*.py")):
        chapter = test.stem.removeprefix("test_claims_").replace("_", "-")
        if chapter not in pages:
            problems.append(f"{test.name}: no page docs/**/{chapter}.md")
        text = test.read_text()
        for snippet in sorted((root / "snippets").glob(f"*/{chapter}/*")):
            path = snippet.relative_to(root / "snippets").as_posix()
            if re.search(rf'"{re.escape(snippet.name)}"', text) and path not in text:
                problems.append(f"{test.name} names {snippet.name} without its path {path}")
    assert not problems, "\n".join(problems)
