"""Nothing on a page escapes verification: every fence runs, or says why it cannot."""

from pathlib import Path

from playbooks.examples import Kind


def test_every_fence_is_executed_or_marked_with_a_reason(examples_collection) -> None:
    problems = [
        f"{v.where}: {v.reason}" for v in examples_collection.verdicts if v.kind is Kind.UNVERIFIED
    ]
    assert not problems, "fences that nothing verifies:\n" + "\n".join(problems)


def test_every_snippet_file_is_an_example_or_read_by_a_test(examples_collection) -> None:
    # A configuration file (say pgbouncer.ini) is not run as an example: a test or an engine
    # module starts a program from it, and must name it.
    root = Path(__file__).resolve().parents[1]
    readers = [*root.glob("tests/*.py"), *root.glob("playbooks/**/*.py")]
    code = "\n".join(path.read_text() for path in readers)
    unread = [
        path
        for path in examples_collection.stray_snippets
        if path.removeprefix("snippets/") not in code
    ]
    assert not unread, (
        "files under snippets/ that no example runs and no test or engine module reads: "
        + ", ".join(unread)
    )


def test_the_census_sees_fences(examples_collection) -> None:
    # A parser change that found no fence would make the census pass vacuously.
    assert len(examples_collection.verdicts) >= 10


def test_an_included_python_snippet_is_not_also_run_as_python_by_markdown_docs() -> None:
    """pytest-markdown-docs runs a python fence's body as it stands: a fence that only includes
    a snippet (`--8<-- "…"`) is run by the example runner, with its fixture, and must say
    `notest`, or markdown-docs runs the include line itself and fails."""
    from playbooks.examples import page_fences

    root = Path(__file__).resolve().parents[1]
    unmarked = [
        f"{fence.page}:{fence.line}"
        for page in sorted((root / "docs").rglob("*.md"))
        for fence in page_fences(page, root)
        if fence.lang == "python" and fence.includes and "notest" not in fence.words
    ]
    assert not unmarked, unmarked
