"""Nothing on a page escapes verification: every fence runs, or says why it cannot."""

from pathlib import Path


def test_every_fence_is_executed_or_marked_with_a_reason(examples_collection) -> None:
    problems = [f"{v.where}: {v.reason}" for v in examples_collection.verdicts if not v.executed_by]
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
