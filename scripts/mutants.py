"""Mutation testing as a standing guard: every planted breakage must make its tests fail.

    python scripts/mutants.py [--only ID,…] [--tier quick|all] [--jobs N] [--list]

Each mutation below is a small edit that makes a page, a snippet, a check, a lint rule or the
runner wrong. It is applied to a temporary copy of the committed tree (`git archive HEAD`, never
the working tree), then only the tests named with it run there; the mutation is "killed" when
they fail (pytest exit code 1). First the same tests run on the unmutated copy: a mutation
whose tests fail unmutated proves nothing and counts as not killed. The run fails unless every
mutation is killed; a mutation whose text is no longer in its file is reported as stale.

`@examples:PATH` in a mutation's tests stands for the example runs whose output block is on page
PATH, or whose source is PATH. The quick tier needs no database engine.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import queue
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    id: str
    path: str  # relative to the project root
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]  # pytest arguments: paths, node ids, -k expressions, @examples:PATH
    breaks: str  # the claim or behaviour the mutation makes false
    quick: bool = False  # needs no database engine


def M(id: str, path: str, old: str, new: str, tests: str, breaks: str, quick: bool = False):
    return Mutation(id, path, old, new, tuple(shlex.split(tests)), breaks, quick)


OPT = "tests/test_claims_query_optimization.py"
IDX = "tests/test_claims_indexing.py"
SCALE = "tests/test_claims_scaling.py"
RUNNER = "tests/test_runner.py"
UNITS = "tests/test_text_units.py"
CHECKS = "tests/test_checks.py"
LINT = "tests/test_lint_rules.py"

MUTATIONS = [
    # --- snippets: the page's code changes, the claim test or the output comparison must notice
    M(
        "keyset-without-tie-breaker",
        "snippets/postgres/query-optimization/pagination-keyset.sql",
        "WHERE (created_at, id) < ('2025-12-30 05:33:26+00', 10001)\nORDER BY created_at DESC, id DESC",
        "WHERE created_at < '2025-12-30 05:33:26+00'\nORDER BY created_at DESC",
        f"{OPT} -k tie_breaker",
        "keyset pagination needs the id as tie-breaker",
    ),
    M(
        "covering-without-vacuum",
        "snippets/postgres/indexing/covering.sql",
        "VACUUM ANALYZE products;",
        "ANALYZE products;",
        f"{IDX} -k covering_index_only",
        "an index-only scan skips the heap only after VACUUM",
    ),
    M(
        "router-salted-hash",
        "snippets/python/scaling/shard_router.py",
        "return zlib.crc32(str(customer_id).encode()) % BUCKETS",
        "return hash(str(customer_id)) % BUCKETS",
        f"{SCALE} -k bucket_is_stable",
        "the router's bucket is the same in every process",
    ),
    M(
        "router-ignores-bucket-map",
        "snippets/python/scaling/shard_router.py",
        "return self.bucket_map[self.bucket(customer_id)]",
        "return self.bucket(customer_id) % len(self.shards)",
        f"{SCALE} -k places_each_customer_on_one_shard",
        "adding a shard moves only the keys of the buckets reassigned to it",
    ),
    M(
        "pgbouncer-session-mode",
        "snippets/pgbouncer/pgbouncer.ini",
        "pool_mode = transaction",
        "pool_mode = session",
        f"{SCALE} -k sqlalchemy_through_pgbouncer",
        "the page's PgBouncer pools transactions",
    ),
    M(
        "pgbouncer-fix-still-prepares",
        "snippets/python/scaling/pgbouncer_psycopg.py",
        "app = psycopg.connect(pgbouncer_url, autocommit=True, prepare_threshold=None)",
        "app = psycopg.connect(pgbouncer_url, autocommit=True)",
        f"{SCALE} -k prepared_statements_break",
        "prepare_threshold=None works through every PgBouncer",
    ),
    M(
        "ha-pgbouncer-1-18-said-to-reprepare",
        "docs/operations/high-availability.md",
        "Through PgBouncer 1.18 the second run failed",
        "Through PgBouncer 1.18 the second run worked",
        "tests/test_claims_high_availability.py -k pgbouncer",
        "the HA page says which PgBouncer loses prepared statements at a switchover",
    ),
    M(
        "pgbouncer-1-18-said-to-track",
        "docs/phases/scaling.md",
        "| 1.18 | 12 (bookworm) | 15 | not tracked;",
        "| 1.18 | 12 (bookworm) | 15 | tracked;",
        f"{SCALE} -k max_prepared_statements",
        "the page's table says which PgBouncer tracks prepared statements",
    ),
    M(
        "pool-timeout-tenfold",
        "snippets/python/scaling/sqlalchemy_pool.py",
        "pool_timeout=0.2,",
        "pool_timeout=2,",
        f"{SCALE} -k sqlalchemy_pool_times_out",
        "a checkout gives up after pool_timeout",
    ),
    M(
        "ha-ttl-below-the-rule",
        "snippets/postgres/high-availability/patroni.yml",
        "    ttl: 20  #",
        "    ttl: 3  #",
        "tests/test_claims_high_availability.py -k loses_etcd",
        "with ttl >= loop_wait + 2 x retry_timeout a leader cut off from etcd stops writing before "
        "its key runs out (with ttl 3 it wrote on for 2.4 s after)",
    ),
    M(
        "dump-restore-without-create",
        "snippets/postgres/backup/dump.sh",
        "--dbname=postgres --create --exit-on-error",
        "--dbname=postgres --exit-on-error",
        "tests/test_claims_backup.py -k pg_dump_restores",
        "the page's restore of a dump brings the database back with its grants and settings",
    ),
    M(
        "premake-partition-of",
        "snippets/postgres/scaling/partition-premake.sql",
        "CREATE TABLE events_p_2026_11 (LIKE events_p INCLUDING DEFAULTS);\n"
        "ALTER TABLE events_p ATTACH PARTITION events_p_2026_11\n",
        "CREATE TABLE events_p_2026_11 PARTITION OF events_p\n",
        "tests/test_claims_scaling.py -k made_apart",
        "the page's partition job does not wait behind a reader of the partitioned table",
    ),
    M(
        "repack-trusts-exit-status",
        "snippets/postgres/maintenance/repack.py",
        'if done.returncode != 0 or "Skipping repack" in report:',
        "if done.returncode != 0:",
        "tests/test_claims_maintenance.py -k gives_up",
        "repack() reports a table pg_repack skipped for want of its lock as rebuilt",
    ),
    M(
        "aof-everysec-leaves-fsync-to-the-kernel",
        "snippets/redis/maintenance/aof-everysec.conf",
        "appendfsync everysec",
        "appendfsync no",
        "tests/test_claims_maintenance.py -k fsyncs",
        "with everysec, Redis calls fsync on the AOF about once a second",
    ),
    M(
        "aof-always-replies-before-fsync",
        "snippets/redis/maintenance/aof-always.conf",
        "appendfsync always",
        "appendfsync everysec",
        "tests/test_claims_maintenance.py -k slow_disk",
        "with always, Redis writes and fsyncs before each reply, so a crash loses no acknowledged write",
    ),
    M(
        "retire-lock-timeout-longer",
        "snippets/postgres/scaling/partition-retire.sql",
        "SET lock_timeout = '1s';",
        "SET lock_timeout = '3s';",
        "tests/test_claims_scaling.py -k queues_behind_readers_in_access_exclusive",
        "the page's DETACH gives up after a second",
    ),
    M(
        "readiness-probe-in-a-transaction",
        "playbooks/engines/postgres.py",
        "        client.autocommit = True  # no BEGIN: a PgBouncer in statement mode refuses one\n",
        "",
        "tests/test_claims_scaling.py -k statement_mode",
        "a PgBouncer in statement mode is seen ready",
    ),
    M(
        "restore-by-name-without-set",
        "snippets/postgres/backup/restore.sh",
        "    --set=20261204-101500F_20261204-103000I \\\n",
        "",
        "tests/test_claims_backup.py",
        "a restore to a point older than the latest backup reaches it with --set",
    ),
    M(
        "sample-load-without-flush",
        "docs/sample-schema.md",
        "SELECT generate_sample_data(2000);\nSELECT pg_stat_force_next_flush();\n",
        "SELECT generate_sample_data(2000);\n",
        "tests/test_claims_sample_schema.py -k fresh_statistics",
        "loading the sample as the page shows leaves statistics the check does not call stale",
    ),
    M(
        "sandbox-load-without-flush",
        "playbooks/sandbox.py",
        'conn.execute("SELECT pg_stat_force_next_flush()")',
        "pass",
        "tests/test_cli.py -k sandbox_serves",
        "the sandbox's sample has fresh statistics: playbook check finds none stale",
    ),
    M(
        "unique-index-accepts-duplicate",
        "snippets/postgres/indexing/unique.sql",
        "-- example: data=sample error=unique_violation",
        "-- example: data=sample error=foreign_key_violation",
        "@examples:snippets/postgres/indexing/unique.sql",
        "the example fails with the error its page names",
    ),
    # --- output blocks on the pages
    M(
        "output-wrong-filter",
        "docs/phases/indexing.md",
        "   Filter: (status = 'delivered'::text)",
        "   Filter: (status = 'paid'::text)",
        "@examples:docs/phases/indexing.md",
        "the filter a plan on the page shows",
    ),
    M(
        "output-wrong-heap-fetches",
        "docs/phases/indexing.md",
        "   Heap Fetches: 14",
        "   Heap Fetches: 0",
        "@examples:docs/phases/indexing.md",
        "heap fetches after an UPDATE, as the page shows them",
    ),
    M(
        "output-wrong-heap-blocks",
        "docs/phases/indexing.md",
        "         Heap Blocks: lossy=318",
        "         Heap Blocks: lossy=128",
        "@examples:docs/phases/indexing.md",
        "a BRIN scan of outliers reads every page of the table, as the page shows",
    ),
    M(
        "output-wrong-frequency",
        "docs/phases/indexing.md",
        " {delivered,shipped,paid,pending,cancelled} | {0.60095,0.14955,0.10025,0.09895,0.0503}",
        " {delivered,shipped,paid,pending,cancelled} | {0.60095,0.14955,0.10025,0.09895,0.0504}",
        "@examples:docs/phases/indexing.md",
        "a result table on the page",
    ),
    M(
        "output-wrong-node",
        "docs/phases/query-optimization.md",
        "   ->  Bitmap Heap Scan on orders o (actual rows=11 loops=1)",
        "   ->  Seq Scan on orders o (actual rows=11 loops=1)",
        "@examples:docs/phases/query-optimization.md",
        "the plan node a page shows",
    ),
    M(
        "output-wrong-error",
        "docs/phases/data-modeling.md",
        'ERROR:  null value in column "carrier_id" of relation "shipments" violates not-null',
        'ERROR:  null value in column "id" of relation "shipments" violates not-null',
        "@examples:docs/phases/data-modeling.md",
        "the error message a page shows",
    ),
    # --- health-check SQL (playbook check)
    M(
        "check-fk-never-matches",
        "snippets/postgres/checks/fk-without-index.sql",
        "WHERE c.contype = 'f'",
        "WHERE c.contype = 'x'",
        CHECKS,
        "fk-without-index finds an unindexed foreign key",
    ),
    M(
        "check-overflow-error-threshold",
        "snippets/postgres/checks/integer-key-overflow.sql",
        "share >= 0.8 THEN 'error'",
        "share >= 0.99 THEN 'error'",
        CHECKS,
        "integer-key-overflow errs at four fifths",
    ),
    M(
        "check-overflow-warning-threshold",
        "snippets/postgres/checks/integer-key-overflow.sql",
        "WHERE share >= 0.5",
        "WHERE share >= 0.9",
        CHECKS,
        "integer-key-overflow warns at half",
    ),
    M(
        "check-drops-unique-indexes",
        "snippets/postgres/checks/duplicate-indexes.sql",
        "WHEN k.indisunique AND NOT a.indisunique THEN 'also enforces uniqueness'",
        "WHEN false THEN 'also enforces uniqueness'",
        CHECKS,
        "a duplicate that also enforces uniqueness is named so",
    ),
    M(
        "mariadb-check-reads-constraints",
        "snippets/mariadb/checks/tables-without-primary-key.sql",
        """  AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS AS k
                  WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME
                    AND k.INDEX_NAME = 'PRIMARY')""",
        """  AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS AS c
                  WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
                    AND c.CONSTRAINT_TYPE = 'PRIMARY KEY')""",
        "tests/test_check_mysql.py -k pages_account",
        "the account the page recommends finds what an admin finds (MariaDB shows it no "
        "constraints)",
    ),
    M(
        "check-connection-writable",
        "playbooks/checks.py",
        "conn.read_only = True",
        "conn.read_only = False",
        "tests/test_check_cli.py -k read_only",
        "playbook check never writes, even where a pooler drops its session settings",
    ),
    M(
        "check-sends-clear-text",
        "playbooks/checks.py",
        "            **protected,",
        "",
        "tests/test_check_cli.py -k clear_text",
        "playbook check never sends a PostgreSQL password in clear text without verify-full",
        quick=True,
    ),
    M(
        "old-libpq-sends-clear-text",
        "playbooks/secrets.py",
        "    if version < 160000:\n        raise ClearTextRisk(",
        "    if version < 150000:\n        raise ClearTextRisk(",
        "tests/test_check_cli.py -k libpq_older_than_16",
        "with a libpq that knows no require_auth, playbook check connects nowhere",
        quick=True,
    ),
    M(
        "borrowed-server-gets-clear-text",
        "playbooks/engines/postgres.py",
        "            kwargs = {**no_clear_text(kwargs), **kwargs}",
        "            pass",
        "tests/test_check_cli.py -k borrowed",
        "a server of the user's (DBARCH_POSTGRES_URL) never gets the password in clear text",
        quick=True,
    ),
    M(
        "check-mysql-sends-clear-text",
        "playbooks/checks_mysql.py",
        "auth_plugin_map=refused,",
        "auth_plugin_map={},",
        "tests/test_check_mysql.py -k clear_text",
        "playbook check never sends the password in clear text without verified TLS",
        quick=True,
    ),
    # --- lint rules
    M(
        "lint-concurrently-ignored",
        "playbooks/lint/rules.py",
        '        if node.get("concurrent"):\n            yield from _concurrently(st, s)',
        "        if False:\n            yield from _concurrently(st, s)",
        LINT,
        "CREATE INDEX CONCURRENTLY is not reported as blocking writes",
    ),
    M(
        "lint-lock-timeout-always-set",
        "playbooks/lint/rules.py",
        "            s.lock_timeout = _sets_a_limit(node)",
        "            s.lock_timeout = True",
        LINT,
        "require-timeout until a lock_timeout is set",
    ),
    M(
        "lint-blocking-index-missed",
        "playbooks/lint/rules.py",
        '        elif table not in s.created:\n            yield Hit(\n                "create-index-blocks-writes",',
        '        elif False:\n            yield Hit(\n                "create-index-blocks-writes",',
        LINT,
        "CREATE INDEX without CONCURRENTLY blocks writes",
    ),
    # --- the runner, the census, the summary
    M(
        "runner-any-statement-may-fail",
        "playbooks/runner.py",
        "        last = number == len(statements)",
        "        last = True",
        f"{RUNNER} -k must_be_that_error",
        "only the last statement may raise the expected error",
    ),
    M(
        "runner-any-error-will-do",
        "playbooks/runner.py",
        "if last and error and error in error_names(example.engine, exc):",
        "if last and error:",
        f"{RUNNER} -k must_be_that_error",
        "the expected error is the one error= names",
    ),
    M(
        "runner-success-instead-of-error",
        "playbooks/runner.py",
        "    else:\n        if error:\n",
        "    else:\n        if False:\n",
        f"{RUNNER} -k passes_only_when_it_happens",
        "an error= example whose statement succeeds fails",
    ),
    M(
        "runner-mariadb-error-number",
        "playbooks/runner.py",
        "    return {str(exc.args[0])} if exc.args else set()",
        "    return {str(exc.args[-1])} if exc.args else set()",
        f"{RUNNER} -k mariadb_error",
        "a MariaDB error is named by its number",
    ),
    M(
        "runner-output-not-compared",
        "playbooks/runner.py",
        "    if expected is not None:\n        problem = output.differences(expected, printed)",
        "    if False:\n        problem = output.differences(expected, printed)",
        f"{RUNNER} -k shown_output",
        "a page's output block is compared with what the engine printed",
    ),
    M(
        "output-plan-details-ignored",
        "playbooks/output.py",
        "        if not details <= printed_details:",
        "        if False:",
        f"{RUNNER} -k condition_shown",
        "a Filter line a page shows is compared",
    ),
    M(
        "output-plan-shape-ignored",
        "playbooks/output.py",
        "    if [n for n, _ in shown] != [n for n, _ in printed]:",
        "    if False:",
        UNITS,
        "the plan's nodes and nesting are compared",
        quick=True,
    ),
    M(
        "output-result-not-compared",
        "playbooks/output.py",
        '            kind = None if page == engine.rstrip() else "result"',
        "            kind = None",
        f"{RUNNER} -k shown_output",
        "a result table is compared",
    ),
    M(
        "split-ignores-dollar-quotes",
        "playbooks/sql.py",
        '        if c == "$":',
        '        if c == "¤":',
        UNITS,
        "a semicolon inside a dollar-quoted body does not end the statement",
        quick=True,
    ),
    M(
        "sqlglot-tier-parses-nothing",
        "playbooks/runner.py",
        "            sqlglot.parse(statement.text, read=dialect)",
        "            pass",
        f"{RUNNER} -k sqlglot",
        "the first tier catches a syntax error without an engine",
        quick=True,
    ),
    M(
        "census-plain-fence-passes",
        "playbooks/examples.py",
        """    return problem(f'a {fence.lang or "plain"} fence is neither executed nor norun="reason"')""",
        "    return verdict(Kind.NOT_RUN)",
        f"{RUNNER} -k census_names",
        "the census names a fence nothing verifies",
        quick=True,
    ),
    M(
        "census-norun-without-reason",
        "playbooks/examples.py",
        '        if not fence.attrs["norun"].strip():',
        "        if False:",
        "tests/test_census.py tests/test_runner.py -k census",
        "norun needs a reason",
        quick=True,
    ),
    M(
        "after-not-run-first",
        "playbooks/testing/examples.py",
        '            runner.run_sql(replace(by_source[f"snippets/{path}"], output=None), connection)',
        "            pass",
        f"{RUNNER} -k after_starts",
        "after= starts an example from another snippet's end state",
    ),
    M(
        "required-engine-only-skipped",
        "playbooks/testing/options.py",
        "    if engine in config.stash[REQUIRED]:",
        "    if False:",
        f"{RUNNER} -k missing_engine",
        "--require-engines turns a skip into a failure",
        quick=True,
    ),
    M(
        "summary-forgets-workers",
        "playbooks/testing/summary.py",
        "        self.remote.update(",
        "        dict(",
        f"{RUNNER} -k xdist",
        "the summary under xdist names the engines the workers started",
    ),
    M(
        "summary-forgets-factory-servers",
        "playbooks/testing/summary.py",
        "        for server in request.node.stash.get(STARTED, [])\n    }",
        "        for server in request.node.stash.get(STARTED, [])\n    } and set()",
        f"{RUNNER} -k factory_fixture",
        "a server a factory fixture started counts for its version",
        quick=True,
    ),
    M(
        "fixture-declared-without-engine",
        "playbooks/fixtures.py",
        '    "pg_url": _PG,',
        '    "pg_url": frozenset(),',
        "tests/test_site.py -k declared_for_each_fixture",
        "each fixture's declared engines are those it starts",
        quick=True,
    ),
    M(
        "hook-no-python-engines",
        "playbooks/mkdocs_hooks.py",
        "            engines.update(*map(engines_of, fixtures))",
        "            pass",
        "tests/test_site.py -k engines_under_a_chapter",
        "a chapter names the engines its Python fences' fixtures start",
        quick=True,
    ),
]


def copy_project(dest: Path, commit: str) -> Path:
    """The tree of `commit`, as git has it, in `dest`."""
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def expand(tests: tuple[str, ...], project: Path) -> list[str]:
    """`@examples:PATH` → the node ids of the example runs that show output on, or come from,
    PATH, as the copy's own collector finds them."""
    args: list[str] = []
    for test in tests:
        if not test.startswith("@examples:"):
            args.append(test)
            continue
        target = test.removeprefix("@examples:")
        found = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from playbooks.examples import collect\n"
                "for e in collect(Path('.').resolve()).examples:\n"
                "    if e.source == sys.argv[1] or e.output_at.startswith(sys.argv[1] + ':'):\n"
                "        print(f'tests/test_examples.py::test_runs[{e}]')",
                target,
            ],
            cwd=project,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if not found:
            raise SystemExit(f"mutants: no example runs for {test}")
        args.extend(found)
    return args


def pytest(project: Path, args: list[str]) -> tuple[int, float, str]:
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + args,
        cwd=project,
        # PYTHONPATH: the commands the tests start (playbook, sandbox) import the copy's
        # playbooks too, not the checkout the venv's .pth points at.
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(project), os.environ.get("PYTHONPATH")])
            ),
        },
        capture_output=True,
        text=True,
    )
    tail = (run.stdout + run.stderr).strip().splitlines()[-1:] or [""]
    return run.returncode, time.perf_counter() - start, tail[0]


def try_mutation(
    m: Mutation | None, tests: tuple[str, ...], project: Path
) -> tuple[str, float, str]:
    """Run `tests` in `project` with the mutation applied (None: unmutated, the baseline)."""
    if m is None:
        code, seconds, tail = pytest(project, expand(tests, project))
        return ("passes" if code == 0 else "FAILS"), seconds, tail
    file = project / m.path
    original = file.read_text()
    if original.count(m.old) != 1:
        return "STALE", 0.0, f"the text to mutate occurs {original.count(m.old)} times"
    file.write_text(original.replace(m.old, m.new))
    try:
        code, seconds, tail = pytest(project, expand(tests, project))
    finally:
        file.write_text(original)
    verdict = {0: "SURVIVED", 1: "killed"}.get(code, f"ERROR (pytest exit {code})")
    return verdict, seconds, tail


def run_all(
    tasks: list[tuple[Mutation | None, tuple[str, ...]]], projects: list[Path]
) -> list[tuple[str, float, str]]:
    """Each task on a project copy of its own at a time, as many at once as there are copies."""
    free: queue.Queue[Path] = queue.Queue()
    for project in projects:
        free.put(project)

    def one(task: tuple[Mutation | None, tuple[str, ...]]) -> tuple[str, float, str]:
        project = free.get()
        try:
            result = try_mutation(task[0], task[1], project)
        finally:
            free.put(project)
        _print(task, result)
        return result

    with concurrent.futures.ThreadPoolExecutor(len(projects)) as pool:
        return list(pool.map(one, tasks))


def _print(task: tuple[Mutation | None, tuple[str, ...]], result: tuple[str, float, str]) -> None:
    (m, tests), (verdict, seconds, tail) = task, result
    name = m.id if m else "baseline: " + " ".join(tests)
    detail = "" if verdict in ("killed", "passes") else f"  ({tail})"
    print(f"{verdict:<9} {seconds:6.1f} s  {name:<34} {m.breaks if m else ''}{detail}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated mutation ids")
    parser.add_argument("--tier", choices=("quick", "all"), default="all")
    parser.add_argument("--jobs", type=int, default=2, help="test runs at once")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--commit", default="HEAD", help="the tree to mutate (default HEAD)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if args.tier == "all" or m.quick]
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {m.id for m in MUTATIONS}
        if unknown:
            print(f"mutants: unknown mutation id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        chosen = [m for m in chosen if m.id in wanted]
    if args.jobs < 1:
        print("mutants: --jobs must be at least 1", file=sys.stderr)
        return 2
    if args.list:
        for m in chosen:
            print(f"{m.id:<34} {m.path}: {m.breaks}")
        return 0

    started = time.perf_counter()
    try:
        subprocess.run(
            ["git", "rev-parse", "--verify", "-q", args.commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError:
        print(f"mutants: no such commit: {args.commit}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dbarch-mutants-") as tmp:
        projects = [copy_project(Path(tmp) / f"p{n}", args.commit) for n in range(args.jobs)]
        # Every tier checks that the whole list still applies: CI runs the quick tier only, and a
        # mutation of the other tier must not rot unseen when the code it mutates changes.
        found = {m.id: _occurrences(projects[0] / m.path, m.old) for m in MUTATIONS}
        stale = [m for m in MUTATIONS if found[m.id] != 1]
        # The unmutated tests must pass, or a failure under a mutation proves nothing.
        selections = list(dict.fromkeys(m.tests for m in chosen))
        baseline = run_all([(None, tests) for tests in selections], projects)
        passing = {
            t
            for t, (verdict, _, _) in zip(selections, baseline, strict=True)
            if verdict == "passes"
        }
        results = run_all([(m, m.tests) for m in chosen if m.tests in passing], projects)
    for m in chosen:
        if m.tests not in passing:
            print(f"NOT RUN   {m.id}: its tests fail unmutated")
    for m in stale:
        print(f"STALE     {m.id}: its text occurs {found[m.id]} times in {m.path}, not once")
    killed = sum(1 for verdict, _, _ in results if verdict == "killed")
    wall = time.perf_counter() - started
    print(f"{killed} of {len(chosen)} mutations killed; {wall:.0f} s wall time")
    return 0 if killed == len(chosen) and not stale else 1


def _occurrences(file: Path, text: str) -> int:
    return file.read_text().count(text) if file.is_file() else 0


if __name__ == "__main__":
    sys.exit(main())
