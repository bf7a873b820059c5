"""Every `playbook lint` rule, proven on a real PostgreSQL.

Each rule has a bad and a good fixture under snippets/lint/<rule>/. The linter must flag the bad
one with that rule alone and pass the good one. Then both run on the server of the
`postgres_server` fixture while playbooks.lint.observe watches them: for each flagged statement
the lock on the finding's table, the rewrite and the scan must be what the rule's facts say for
that server's version, and the good fixture must not hold a write-blocking lock through a pass
over a table. Rules whose hazard is not a lock (renames, types, timeouts) get a test of their own
that shows the hazard itself.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from playbooks.lint import lint_text
from playbooks.lint.observe import (
    STRENGTH,
    connect_like,
    mode_name,
    seq_tuples_read,
    wait_until_waiting,
    watch,
)
from playbooks.lint.rules import ENGINE_PROVEN, RULES
from playbooks.replay import statements
from playbooks.sql import run_script, snippet, split_statements

SETUP = ["postgres/migrations/setup.sql", "lint/setup.sql"]  # as the fixtures' after= says
CLIENT_HAZARD = {"rename-column", "rename-table", "drop-column", "drop-table"}
LOCK_HAZARD = {"drop-index-blocks", "detach-partition-blocks"}  # no scan: the mode is the harm
ORDER = [mode_name(m) for m in STRENGTH]


def fresh(new_pg_db: Any) -> Any:
    conn = new_pg_db("none")
    for path in SETUP:
        run_script(conn, snippet(path))
    return conn


def major(conn: Any) -> int:
    return conn.info.server_version // 10000


def run(conn: Any, path: str) -> None:
    for sql in statements(path):
        conn.execute(sql)


def strongest(locks: dict[str, str]) -> str:
    return max(locks.values(), key=ORDER.index)


@pytest.mark.parametrize("rule", ENGINE_PROVEN, ids=lambda r: r.id)
def test_the_bad_fixture_is_flagged_by_its_rule_alone_and_the_good_one_passes(rule):
    bad = lint_text(snippet(rule.bad), rule.bad)
    good = lint_text(snippet(rule.good), rule.good)
    assert {f.rule for f in bad} == {rule.id}
    assert rule.id not in {f.rule for f in good}
    assert not [f for f in good if f.fails]


WITH_FACTS = [r for r in ENGINE_PROVEN if r.facts]


@pytest.mark.parametrize("rule", WITH_FACTS, ids=lambda r: r.id)
def test_the_flagged_statement_takes_the_lock_rewrite_and_scan_the_rule_states(new_pg_db, rule):
    conn = fresh(new_pg_db)
    version = major(conn)
    fact = rule.fact(version)
    text = snippet(rule.bad)
    findings = [f for f in lint_text(text, rule.bad, version) if f.rule == rule.id]
    assert findings and fact
    at_line = {s.line: s.text for s in split_statements(text)}
    seen = {one.sql: one for one in watch(conn, list(at_line.values()))}
    for finding in findings:
        one = seen[at_line[finding.line]]
        table = finding.table
        mode = one.locks[table] if table else strongest(one.locks)
        assert mode == fact.lock, (finding, one)
        rewritten = table in one.rewrites if table else bool(one.rewrites)
        assert rewritten == fact.rewrite, (finding, one)
        if one.scanned is not None:  # None: it ran outside a transaction, its scans unread
            scanned = one.scanned.get(table, 0) if table else sum(one.scanned.values())
            assert bool(scanned) == fact.scan, (finding, one)


@pytest.mark.parametrize(
    "rule", [r for r in WITH_FACTS if r.id not in CLIENT_HAZARD], ids=lambda r: r.id
)
def test_the_good_fixture_avoids_it(new_pg_db, rule):
    conn = fresh(new_pg_db)
    fact = rule.fact(major(conn))
    seen = watch(conn, statements(rule.good))
    if rule.id in LOCK_HAZARD:
        (finding,) = [f for f in lint_text(snippet(rule.bad), rule.bad) if f.rule == rule.id]
        assert not [one for one in seen if one.locks.get(finding.table) == fact.lock]
    else:
        assert not [(one.sql, one.long_and_blocking()) for one in seen if one.long_and_blocking()]


# --- rules whose hazard is not a lock ----------------------------------------------------------


def test_concurrently_fails_inside_a_transaction_block(new_pg_db):
    conn = fresh(new_pg_db)
    *before, last = statements(RULES["concurrently-in-transaction"].bad)
    for sql in before:
        conn.execute(sql)
    with pytest.raises(psycopg.errors.ActiveSqlTransaction):
        conn.execute(last)
    conn.execute("ROLLBACK")
    run(fresh(new_pg_db), RULES["concurrently-in-transaction"].good)


def test_without_lock_timeout_the_migration_queues_and_every_read_behind_it(new_pg_db):
    conn = fresh(new_pg_db)
    report, probe = connect_like(conn), connect_like(conn)
    probe.execute("SET lock_timeout = '50ms'")
    report.execute("BEGIN")
    report.execute("SELECT count(*) FROM accounts")  # a long report holds ACCESS SHARE
    (alter,) = statements(RULES["require-timeout"].bad)
    thread = threading.Thread(target=conn.execute, args=(alter,))
    thread.start()
    assert wait_until_waiting(probe, conn.info.backend_pid)
    with pytest.raises(psycopg.errors.LockNotAvailable):
        probe.execute("SELECT * FROM accounts WHERE id = 1")  # queued behind the ALTER
    report.execute("COMMIT")
    thread.join(10)
    # the good fixture gives up instead, and reads go on
    report.execute("BEGIN")
    report.execute("SELECT count(*) FROM accounts")
    conn.execute("SET lock_timeout = '2s'")
    *settings, alter = statements(RULES["require-timeout"].good)
    for sql in settings:
        conn.execute(sql.replace("'2s'", "'100ms'"))
    with pytest.raises(psycopg.errors.LockNotAvailable):
        conn.execute(alter.replace("nickname", "nickname2"))
    assert probe.execute("SELECT count(*) FROM accounts WHERE id = 1").fetchone() == (1,)
    report.execute("COMMIT")
    for other in (report, probe):
        other.close()


@pytest.mark.parametrize(
    "unset",
    [
        "SET lock_timeout = 0",
        "SET lock_timeout = '0ms'",
        "SET lock_timeout TO DEFAULT",
        "RESET lock_timeout",
        "SET statement_timeout = '0'",
    ],
)
def test_a_timeout_of_zero_is_no_timeout(new_pg_db, unset):
    """PostgreSQL reads 0 (in any unit), DEFAULT and RESET as "wait forever" here: the migration
    still needs its timeouts, and lint says so."""
    setting = unset.split()[1]
    conn = fresh(new_pg_db)
    conn.execute(f"SET {setting} = '2s'")
    conn.execute(unset)
    assert conn.execute(f"SHOW {setting}").fetchone() == ("0",)
    text = (
        "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
        f"{unset};\nALTER TABLE accounts ADD COLUMN nickname text;\n"
    )
    (finding,) = [f for f in lint_text(text) if f.rule == "require-timeout"]
    assert f"no {setting} set" in finding.message and finding.line == 4
    assert not [
        f for f in lint_text(text.replace(unset, "SELECT 1")) if f.rule == "require-timeout"
    ]


@pytest.mark.parametrize(
    ("rule", "old_client_query", "error"),
    [
        ("rename-column", "SELECT name FROM accounts WHERE id = 1", psycopg.errors.UndefinedColumn),
        ("rename-table", "SELECT amount FROM payments WHERE id = 1", psycopg.errors.UndefinedTable),
        ("drop-column", "SELECT email FROM accounts WHERE id = 1", psycopg.errors.UndefinedColumn),
        ("drop-table", "SELECT amount FROM payments WHERE id = 1", psycopg.errors.UndefinedTable),
    ],
)
def test_a_running_client_breaks_on_the_bad_fixture(new_pg_db, rule, old_client_query, error):
    conn = fresh(new_pg_db)
    conn.execute(old_client_query)
    run(conn, RULES[rule].bad)
    with pytest.raises(error):
        conn.execute(old_client_query)


@pytest.mark.parametrize(
    ("rule", "old_client_query"),
    [
        ("rename-column", "SELECT name FROM accounts WHERE id = 1"),
        ("rename-table", "SELECT amount FROM payments WHERE id = 1"),
    ],
)
def test_old_clients_keep_working_on_the_good_fixture(new_pg_db, rule, old_client_query):
    conn = fresh(new_pg_db)
    run(conn, RULES[rule].good)
    assert conn.execute(old_client_query).fetchall()


def test_the_rename_expand_step_keeps_both_columns_equal(new_pg_db):
    conn = fresh(new_pg_db)
    run(conn, RULES["rename-column"].good)
    conn.execute("INSERT INTO accounts (name) VALUES ('old client')")
    conn.execute("INSERT INTO accounts (full_name) VALUES ('new client')")
    different = "SELECT count(*) FROM accounts WHERE full_name IS DISTINCT FROM name"
    assert conn.execute(different).fetchone() == (0,)


def test_int_overflows_where_bigint_does_not(new_pg_db):
    bad, good = new_pg_db("none"), new_pg_db("none")
    run(bad, RULES["prefer-bigint"].bad)
    run(good, RULES["prefer-bigint"].good)
    insert = "INSERT INTO visits (hits) VALUES (2147483648)"
    with pytest.raises(psycopg.errors.NumericValueOutOfRange):
        bad.execute(insert)
    good.execute(insert)


def test_serial_collides_after_an_explicit_id_where_identity_refuses_it(new_pg_db):
    bad, good = new_pg_db("none"), new_pg_db("none")
    run(bad, RULES["prefer-identity"].bad)
    run(good, RULES["prefer-identity"].good)
    bad.execute("INSERT INTO tags (id, name) VALUES (1, 'imported')")
    with pytest.raises(psycopg.errors.UniqueViolation):
        bad.execute("INSERT INTO tags (name) VALUES ('next')")  # the sequence still says 1
    with pytest.raises(psycopg.errors.GeneratedAlways):
        good.execute("INSERT INTO tags (id, name) VALUES (1, 'imported')")
    good.execute("INSERT INTO tags (name) VALUES ('next')")


def test_timestamp_changes_instant_with_the_readers_time_zone(new_pg_db):
    instant = "'2026-12-04 12:00:00+00'::timestamptz"
    results = {}
    for rule in ("bad", "good"):
        conn = new_pg_db("none")
        run(conn, getattr(RULES["prefer-timestamptz"], rule))
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(f"INSERT INTO logins (at) VALUES ({instant})")
        conn.execute("SET TimeZone = 'America/New_York'")
        results[rule] = conn.execute(f"SELECT at = {instant} FROM logins").fetchone()[0]
    assert results == {"bad": False, "good": True}


def test_a_varchar_limit_is_narrowed_by_a_rewrite_and_a_check_limit_online(new_pg_db):
    bad, good = new_pg_db("none"), new_pg_db("none")
    run(bad, RULES["prefer-text"].bad)
    run(good, RULES["prefer-text"].good)
    for conn in (bad, good):
        conn.execute("INSERT INTO handles (handle) SELECT 'h' || i FROM generate_series(1, 5000) i")
    (narrow,) = watch(bad, ["ALTER TABLE handles ALTER COLUMN handle TYPE varchar(10)"])
    assert narrow.long_and_blocking() == ["handles"]
    steps = watch(
        good,
        [
            "ALTER TABLE handles DROP CONSTRAINT handles_handle_length",
            "ALTER TABLE handles ADD CONSTRAINT handles_handle_length "
            "CHECK (char_length(handle) <= 10) NOT VALID",
            "ALTER TABLE handles VALIDATE CONSTRAINT handles_handle_length",
        ],
    )
    assert not [one.sql for one in steps if one.long_and_blocking()]


def test_narrowing_a_varchar_rewrites_and_widening_does_not(new_pg_db):
    conn = fresh(new_pg_db)
    (narrow,) = watch(conn, statements(RULES["varchar-length-change"].bad)[2:])
    conn = fresh(new_pg_db)
    (widen,) = watch(conn, statements(RULES["varchar-length-change"].good)[2:])
    assert narrow.rewrites == {"profiles"} and widen.rewrites == set()


@pytest.mark.parametrize("fixture", ["bad", "good"])
def test_a_foreign_key_without_an_index_makes_parent_deletes_read_the_child(new_pg_db, fixture):
    conn = fresh(new_pg_db)
    run(conn, getattr(RULES["fk-without-index"], fixture))
    conn.execute("INSERT INTO accounts (name) VALUES ('leaving')")
    conn.execute("BEGIN")
    before = seq_tuples_read(conn)
    conn.execute("DELETE FROM accounts WHERE name = 'leaving'")
    after = seq_tuples_read(conn)
    conn.execute("COMMIT")
    payments = next(relid for relid, (name, _) in after.items() if name == "payments")
    read = after[payments][1] - before.get(payments, ("", 0))[1]
    assert read == (10000 if fixture == "bad" else 0)


def test_sql_built_at_run_time_hides_a_rewrite_the_linter_reports_as_unchecked(new_pg_db):
    rule = RULES["unchecked-body"]
    assert {f.rule for f in lint_text(snippet(rule.bad), rule.bad)} == {"unchecked-body"}
    conn = fresh(new_pg_db)
    seen = watch(conn, statements(rule.bad))
    assert [one.rewrites for one in seen] == [{"accounts"}]


def test_a_do_blocks_static_statements_are_checked_at_their_lines(new_pg_db):
    text = (
        "SET lock_timeout = '2s';\nSET statement_timeout = '60s';\nDO $$\nBEGIN\n"
        "    ALTER TABLE accounts ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n"
        "    UPDATE accounts SET token = gen_random_uuid();\n"
        "END $$;\n"
    )
    found = [(f.rule, f.line) for f in lint_text(text)]
    assert found == [("add-column-rewrites", 5), ("ddl-with-backfill", 6)]
    # what the engine does: the block is one transaction, its ALTER's lock held through the UPDATE
    (one,) = watch(fresh(new_pg_db), [s.text for s in split_statements(text)])
    assert one.rewrites == {"accounts"} and one.locks == {"accounts": "ACCESS EXCLUSIVE"}


def test_cluster_rewrites_under_access_exclusive_like_vacuum_full(new_pg_db):
    # not in the fixture: the examples' parse tier (sqlglot) cannot parse CLUSTER
    sql = "CLUSTER payments USING payments_pkey"
    (finding,) = [f for f in lint_text(sql) if f.rule == "vacuum-full"]
    conn = fresh(new_pg_db)
    (one,) = watch(conn, [sql])
    fact = RULES["vacuum-full"].fact(major(conn))
    assert finding.table == "payments" and one.locks["payments"] == fact.lock
    assert one.rewrites == {"payments"} and one.scanned["payments"] > 0


def test_a_domains_validate_constraint_still_blocks_writes_while_it_reads(new_pg_db):
    # why the domain-constraint rule's good fixture puts the CHECK on the table instead
    conn = fresh(new_pg_db)
    _, validate = watch(
        conn,
        [
            "ALTER DOMAIN money_amount ADD CONSTRAINT positive CHECK (VALUE >= 0) NOT VALID",
            "ALTER DOMAIN money_amount VALIDATE CONSTRAINT positive",
        ],
    )
    assert validate.locks == {"refunds": "SHARE"} and validate.scanned == {"refunds": 10000}


def test_every_rule_but_the_input_ones_has_both_fixtures_proven():
    assert {r.id for r in ENGINE_PROVEN} == set(RULES) - {"parse-error", "ignore-without-reason"}
