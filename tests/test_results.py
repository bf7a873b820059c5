"""The results file: a test run records what each example did on which engine version, and the
site shows it — or says that a build has no results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from playbooks import mkdocs_hooks, results
from playbooks.mkdocs_hooks import PageEvidence

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[1]


def outcome(state: str, engine: str, version: str, at: str = "2026-12-01T10:00:00+00:00", **kw):
    return {"state": state, "engine": engine, "version": version, "commit": "abc1234", "at": at}


PASSING_CLAIM = "test_multi_exec_has_no_rollback_after_a_runtime_error"
MONGODB_CLAIM = "test_buckets_never_exceed_their_size_on_mongodb"


def test_a_run_writes_what_each_example_did_and_merges_with_earlier_runs(tmp_path) -> None:
    target = tmp_path / "results.json"
    target.write_text(json.dumps({"examples": {"kept:1": {"postgres 17.12": {}}}}))
    env = {**os.environ, "DBARCH_RESULTS": str(target)}
    example = "snippets/postgres/indexing/selectivity.sql"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-n",
            "0",
            "tests/test_examples.py",
            "tests/test_claims_nosql.py",
            "-k",
            f"(test_runs and {Path(example).stem}) or {PASSING_CLAIM} or {MONGODB_CLAIM}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert f"results for the site: {target}" in run.stdout
    written = json.loads(target.read_text())
    assert "kept:1" in written["examples"]  # an earlier run's example is kept
    ((label, done),) = written["examples"][f"{example}:1"].items()
    assert label.startswith("postgres 15.") and done["state"] == "passed"
    assert done["origin"] == "local" and done["commit"] and done["at"].startswith("20")
    # claim tests too, skipped ones with their reason: a page counts them as not verified
    claims = {test.partition("::")[2]: by for test, by in written["claims"].items()}
    assert set(claims) == {PASSING_CLAIM, MONGODB_CLAIM}
    ((label, passed),) = claims[PASSING_CLAIM].items()
    assert label.startswith("redis 7.") and passed["state"] == "passed" and passed["commit"]
    ((mongodb,),) = [list(claims[MONGODB_CLAIM].values())]
    if "1 skipped" in run.stdout:  # no MongoDB here
        assert mongodb["state"] == "skipped" and mongodb["reason"].startswith("mongodb unavail")
    else:
        assert mongodb["state"] == "passed"


def test_a_pytester_run_elsewhere_writes_nothing(pytester, tmp_path, monkeypatch) -> None:
    target = tmp_path / "results.json"
    monkeypatch.setenv("DBARCH_RESULTS", str(target))
    pytester.makeconftest('pytest_plugins = ["playbooks.testing"]\n')
    pytester.makepyfile(
        test_one="from playbooks.testing.options import record_measurement\n\n"
        "def test_one(request):\n    record_measurement(request.config, 'k', 1)\n"
    )
    pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert not target.exists()  # another project's run: not this checkout's results


def test_the_box_says_what_the_last_run_proved_per_version() -> None:
    found = PageEvidence(executed=4, ids=["a:1", "b:1", "c:1", "d:1"])
    found.engines.update({"postgres": 4})
    run = {
        "examples": {
            "a:1": {
                "postgres 15.20": outcome("passed", "postgres", "15.20 (Debian 15.20-0+deb12u1)"),
                "postgres 17.12": outcome("passed", "postgres", "17.12", at="2026-12-04T09:00"),
            },
            "b:1": {"postgres 15.20": outcome("failed", "postgres", "15.20")},
            "c:1": {"postgres 15.20": {**outcome("skipped", "", ""), "reason": "no PostGIS"}},
        }
    }
    box = mkdocs_hooks.admonition(found, "verification.md", run)
    assert box.startswith('!!! proven "Examples run on PostgreSQL 15.20 and 17.12"')
    assert (
        "In the last run (commit `abc1234`, 2026-12-04): 1 of 4 passed, 1 failed, "
        "1 skipped (no PostGIS), 1 not run since." in box
    )
    nothing = mkdocs_hooks.admonition(found, "verification.md", {})
    assert '"Examples run on PostgreSQL 15"' in nothing  # what the code says it runs on
    assert "Not verified in this build: no results of a test run were found" in nothing


def test_a_measured_value_comes_from_the_last_run_or_is_said_missing() -> None:
    text = "The restore served after <!-- measured: backup.rto_seconds --> s."
    run = {"measurements": {"backup.rto_seconds": {"value": 4.2, "commit": "abc", "at": "x"}}}
    assert mkdocs_hooks.measured(text, run) == "The restore served after 4.2 s."
    assert "(not measured in this build)" in mkdocs_hooks.measured(text, {})


def test_a_corrupt_results_file_is_no_results(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DBARCH_RESULTS", str(tmp_path / "results.json"))
    (tmp_path / "results.json").write_text("{not json")
    assert results.load() == {"examples": {}, "measurements": {}, "claims": {}}


def test_the_verification_page_lists_every_version_an_example_passed_on() -> None:
    run = {
        "examples": {
            "a:1": {
                "postgres 15.20": outcome("passed", "postgres", "15.20 (Debian)"),
                "postgres 18.6": outcome("passed", "postgres", "18.6", at="2026-12-04T09:00"),
            },
            "b:1": {"mysql 9.7.4": outcome("failed", "mysql", "9.7.4")},
            "c:1": {"python": outcome("skipped", "", "")},
        }
    }
    table = mkdocs_hooks.versions_proven(run).splitlines()
    assert table[2:] == [
        "| MySQL | 9.7.4 |  | 0 | 1 | 2026-12-01 |",
        "| PostgreSQL | 15.20 (Debian) |  | 1 | 0 | 2026-12-01 |",
        "| PostgreSQL | 18.6 |  | 1 | 0 | 2026-12-04 |",
    ]
    assert "Not verified in this build" in mkdocs_hooks.versions_proven({})


def test_the_box_counts_a_skipped_claim_test_as_not_verified(tmp_path) -> None:
    module = tmp_path / "tests" / "test_claims_key_value.py"
    module.parent.mkdir()
    module.write_text(
        "def test_a():\n    ...\n\ndef test_b(n):\n    ...\n\ndef test_c():\n    ...\n"
    )
    skipped = {**outcome("skipped", "", ""), "reason": "mongodb unavailable: no image here"}
    run = {
        "claims": {
            "tests/test_claims_key_value.py::test_a": {
                "redis 7.0": outcome("passed", "redis", "7")
            },
            "tests/test_claims_key_value.py::test_b[1]": {"python": skipped},
            "tests/test_claims_key_value.py::test_c": {
                "postgres 15.20": outcome("passed", "postgres", "15.20"),
                "postgres 17.12": outcome("failed", "postgres", "17.12"),
            },
            "tests/test_claims_key_value.py::test_gone": {"python": outcome("passed", "", "")},
            "tests/test_claims_other.py::test_a": {"python": outcome("failed", "", "")},
        }
    }
    sentence = mkdocs_hooks.claims_sentence("phases/key-value.md", run, root=tmp_path)
    assert sentence == (
        "The chapter's claim tests, in their last run: 1 of 3 passed, 1 failed, "
        "1 not verified (no MongoDB here)."
    )
    assert mkdocs_hooks.claims_sentence("phases/graph.md", run, root=tmp_path) == ""
    found = PageEvidence(executed=1, ids=["a:1"])
    found.engines.update({"redis": 1})
    assert sentence in mkdocs_hooks.admonition(found, None, run, sentence)
