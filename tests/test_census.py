"""Nothing on a page escapes verification: every fence runs, or says why it cannot."""


def test_every_fence_is_executed_or_marked_with_a_reason(examples_collection) -> None:
    problems = [f"{v.where}: {v.reason}" for v in examples_collection.verdicts if not v.executed_by]
    assert not problems, "fences that nothing verifies:\n" + "\n".join(problems)


def test_every_snippet_file_is_an_example(examples_collection) -> None:
    assert not examples_collection.stray_snippets, (
        "files under snippets/ that no test runs (only .sql and .py are examples): "
        + ", ".join(examples_collection.stray_snippets)
    )


def test_the_census_sees_fences(examples_collection) -> None:
    # A parser change that found no fence would make the census pass vacuously.
    assert len(examples_collection.verdicts) >= 10
