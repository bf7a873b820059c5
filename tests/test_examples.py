"""Every example of the handbook — SQL fences on pages and files under snippets/ — on a real engine.

Python fences on pages are run by pytest-markdown-docs, with the fixtures of playbooks.testing.
"""

from playbooks.examples import Example


def test_parses(sql_example: Example) -> None:
    """The fast first tier: sqlglot parses every statement in the engine's dialect."""
    from playbooks.testing.examples import check_parses

    check_parses(sql_example)


def test_runs(example: Example, run_example) -> None:
    run_example(example)
