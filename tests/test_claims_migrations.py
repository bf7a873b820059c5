"""The claims of docs/phases/migrations.md, on PostgreSQL, and on MariaDB and MySQL where the page
turns to them (ALGORITHM and LOCK, metadata locks, DDL that commits).

The lock table on the page is checked, row by row, against what the tests observe: for every
statement of every pattern snippet, connection A runs it (in an open transaction, or — for the
CONCURRENTLY statements, which refuse one — in a thread, held mid-way by an open writing
transaction), a second connection reads A's locks from pg_locks, and two more try a read and a
write with a short lock_timeout; "rewrites" compares pg_relation_filenode before and after.
The Python snippets (backfill, lock_timeout, technology move) are executed as the example
runner executes them, and the tests then drive the functions they define.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import Any

import psycopg
import pymysql
import pytest

from playbooks import paths
from playbooks.checklist import phases
from playbooks.lint import lint_text
from playbooks.lint.observe import (
    blocked,
    connect_like,
    debug_messages,
    filenodes,
    mode_name,
    table_locks,
    wait_until_waiting,
)
from playbooks.replay import run_python, scalar, statements
from playbooks.sql import run_script, snippet, split_statements

PAGE = paths.DOCS / "phases/migrations.md"

FOLDER = "postgres/migrations/"  # the folder of the files the page's lock table names
# The patterns of the lock table, in the page's order: (name, snippet).
PATTERNS = [
    ("add a nullable column", "postgres/migrations/add-column-nullable.sql"),
    (
        "add a column with a constant or stable default",
        "postgres/migrations/add-column-default.sql",
    ),
    ("add a column with a volatile default", "postgres/migrations/add-column-volatile.sql"),
    ("add an identity, serial or generated column; widen int", "postgres/migrations/rewrites.sql"),
    ("create an index", "postgres/migrations/create-index.sql"),
    ("create an index concurrently", "postgres/migrations/create-index-concurrently.sql"),
    ("add a foreign key directly", "postgres/migrations/fk-direct.sql"),
    ("add a foreign key NOT VALID, then validate", "postgres/migrations/fk-not-valid.sql"),
    ("set NOT NULL directly", "postgres/migrations/not-null-direct.sql"),
    ("set NOT NULL through a CHECK constraint", "postgres/migrations/not-null-check.sql"),
    ("rename a column directly", "postgres/migrations/rename-direct.sql"),
    ("rename a column by expand and contract", "postgres/migrations/rename-expand-contract.sql"),
    ("rebuild an index", "postgres/migrations/reindex.sql"),
    ("rebuild an index concurrently", "postgres/migrations/reindex-concurrently.sql"),
]

# The probes, on a row no statement and no holder touches.
READ = {
    "accounts": "SELECT * FROM accounts WHERE id = 10000",
    "payments": "SELECT * FROM payments WHERE id = 10000",
}
WRITE = {
    "accounts": "UPDATE accounts SET email = email WHERE id = 10000",
    "payments": "UPDATE payments SET amount = amount WHERE id = 10000",
}
# Holds a concurrent build mid-way: an open transaction that has written to both tables.
HOLD = [
    "UPDATE accounts SET email = email WHERE id = 9999",
    "UPDATE payments SET amount = amount WHERE id = 9999",
]
PROBE_TIMEOUT = "50ms"  # lock_timeout counts only lock waits: an unblocked probe never hits it


def one_line(sql: str) -> str:
    """A statement as the page's table shows it: comments dropped, whitespace collapsed."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").replace("( ", "(").replace(" )", ")")


# --- the lock table -----------------------------------------------------------------------------


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def observe(new_pg_db: Any, path: str) -> list[dict[str, str]]:
    """Run the pattern's statements one by one; for each, what the lock table shows."""
    a = new_pg_db("none")
    run_script(a, snippet("postgres/migrations/setup.sql"))
    b, c, d, holder = (connect_like(a) for _ in range(4))
    for probe in (c, d):
        probe.execute(f"SET lock_timeout = '{PROBE_TIMEOUT}'")
    pid = a.info.backend_pid
    rows = []
    try:
        for sql in statements(path):
            before = filenodes(b)
            thread = None
            if "CONCURRENTLY" in sql:
                holder.execute("BEGIN")
                for hold in HOLD:
                    holder.execute(hold)
                thread = threading.Thread(target=a.execute, args=(sql,))
                thread.start()
                wait_until_waiting(b, pid)
            else:
                a.execute("BEGIN")
                a.execute(sql)
            locks = table_locks(b, pid)
            reads = {t: blocked(c, READ[t]) for t in sorted(locks)}
            writes = {t: blocked(d, WRITE[t]) for t in sorted(locks)}
            if thread:
                holder.execute("COMMIT")
                thread.join(10)
                assert not thread.is_alive()
            else:
                a.execute("COMMIT")
            after = filenodes(b)
            if not locks:
                continue  # e.g. CREATE FUNCTION: no table locked, not a row of the table
            rows.append(
                {
                    "snippet": path,
                    "statement": one_line(sql),
                    "lock": "; ".join(
                        f"{mode_name(m)} on {t}" for t, m in sorted(locks.items(), reverse=True)
                    ),
                    "reads": summary(reads),
                    "writes": summary(writes),
                    "rewrites": yes(any(before[t] != after.get(t) for t in locks)),
                }
            )
    finally:
        for other in (b, c, d, holder):
            other.close()
    return rows


def summary(blocked_by_table: dict[str, bool]) -> str:
    """Yes / no when all locked tables agree, else which ones are blocked."""
    values = set(blocked_by_table.values())
    if len(values) == 1:
        return yes(values.pop())
    return "only " + ", ".join(t for t, b in blocked_by_table.items() if b)


def page_table() -> list[dict[str, str]]:
    """The lock table of docs/phases/migrations.md: the rows after its header line, each with the
    path of its snippet (the page shows the file name, of FOLDER)."""
    lines = PAGE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Snippet | Statement"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        snippet_file, statement, lock, reads, writes, rewrites = cells
        rows.append(
            {
                "snippet": FOLDER + snippet_file.strip("`"),
                "statement": statement.strip("`"),
                "lock": lock.replace("`", ""),
                "reads": reads,
                "writes": writes,
                "rewrites": rewrites,
            }
        )
    return rows


def test_the_page_table_covers_every_pattern_in_order():
    rows = page_table()
    shown = list(dict.fromkeys(r["snippet"] for r in rows))
    assert shown == [path for _, path in PATTERNS]


@pytest.mark.parametrize(
    ("pattern", "path"), PATTERNS, ids=[p.rpartition("/")[2] for _, p in PATTERNS]
)
def test_lock_table_row_is_what_postgres_does(new_pg_db, pattern, path):
    observed = observe(new_pg_db, path)
    shown = [r for r in page_table() if r["snippet"] == path]
    assert shown == observed, pattern


# --- SET NOT NULL: the scan the CHECK route avoids ----------------------------------------------


def test_set_not_null_scans_under_access_exclusive_unless_a_valid_check_proves_it(new_pg_db):
    direct = new_pg_db("none")
    run_script(direct, snippet("postgres/migrations/setup.sql"))
    said = debug_messages(direct, statements("postgres/migrations/not-null-direct.sql"))
    assert 'verifying table "accounts"' in said

    route = new_pg_db("none")
    run_script(route, snippet("postgres/migrations/setup.sql"))
    add, validate, set_not_null, drop = statements("postgres/migrations/not-null-check.sql")
    route.execute(add)
    route.execute(validate)
    said = debug_messages(route, [set_not_null])
    assert 'verifying table "accounts"' not in said
    assert (
        'existing constraints on column "accounts.email" are sufficient to prove that it '
        "does not contain nulls" in said
    )
    route.execute(drop)
    assert scalar(
        route,
        "SELECT attnotnull FROM pg_attribute "
        "WHERE attrelid = 'accounts'::regclass AND attname = 'email'",
    )


def test_a_not_valid_check_is_enforced_for_new_rows_at_once(new_pg_db):
    conn = new_pg_db("none")
    run_script(conn, snippet("postgres/migrations/setup.sql"))
    conn.execute("UPDATE accounts SET email = NULL WHERE id = 1")  # an old row that breaks it
    add, validate, _, _ = statements("postgres/migrations/not-null-check.sql")
    conn.execute(add)  # NOT VALID: the old row is not read
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("INSERT INTO accounts (name) VALUES ('no email')")
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(validate)  # the scan finds the old row


def test_a_not_valid_foreign_key_checks_new_rows_and_validate_finds_old_ones(new_pg_db):
    conn = new_pg_db("none")
    run_script(conn, snippet("postgres/migrations/setup.sql"))
    conn.execute("INSERT INTO payments (account_id, amount) VALUES (424242, 1)")  # an orphan
    add, validate = statements("postgres/migrations/fk-not-valid.sql")
    conn.execute(add)
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("INSERT INTO payments (account_id, amount) VALUES (525252, 1)")
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute(validate)


def test_the_rewrite_and_verify_scans_are_what_postgres_reports(new_pg_db):
    conn = new_pg_db("none")
    run_script(conn, snippet("postgres/migrations/setup.sql"))
    constant = debug_messages(conn, statements("postgres/migrations/add-column-default.sql"))
    volatile = debug_messages(conn, statements("postgres/migrations/add-column-volatile.sql"))
    assert not any(m.startswith("rewriting table") for m in constant)
    assert 'rewriting table "accounts"' in volatile
    # now() was evaluated once: every existing row got the same value
    assert scalar(conn, "SELECT count(DISTINCT created_at) FROM accounts") == 1
    assert scalar(conn, "SELECT count(DISTINCT token) FROM accounts") == 10000
    # the alternative: a nullable column, a default for new rows only, then a backfill
    conn.execute("ALTER TABLE accounts ADD COLUMN ref uuid")
    before = filenodes(conn)["accounts"]
    said = debug_messages(
        conn, ["ALTER TABLE accounts ALTER COLUMN ref SET DEFAULT gen_random_uuid()"]
    )
    assert filenodes(conn)["accounts"] == before and not said
    assert scalar(conn, "SELECT count(ref) FROM accounts") == 0
    conn.execute("INSERT INTO accounts (name) VALUES ('new')")
    assert scalar(conn, "SELECT count(ref) FROM accounts") == 1


def test_plain_reindex_blocks_reads_through_the_index_lock(new_pg_db):
    a = new_pg_db("none")
    run_script(a, snippet("postgres/migrations/setup.sql"))
    with connect_like(a) as b:
        a.execute("BEGIN")
        a.execute(statements("postgres/migrations/reindex.sql")[0])
        held = dict(
            b.execute(
                "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND c.relname IN ('accounts', 'accounts_pkey')",
                (a.info.backend_pid,),
            ).fetchall()
        )
        a.execute("COMMIT")
    assert held == {"accounts": "ShareLock", "accounts_pkey": "AccessExclusiveLock"}


def test_the_expand_contract_trigger_keeps_both_columns_equal(new_pg_db):
    conn = new_pg_db("none")
    run_script(conn, snippet("postgres/migrations/setup.sql"))
    steps = statements("postgres/migrations/rename-expand-contract.sql")
    for sql in steps[:4]:  # expand and one backfill batch
        conn.execute(sql)
    conn.execute("INSERT INTO accounts (name) VALUES ('old app')")  # the old version writes name
    conn.execute("INSERT INTO accounts (full_name) VALUES ('new app')")  # the new one full_name
    conn.execute("UPDATE accounts SET name = 'renamed by old' WHERE id = 6000")
    conn.execute("UPDATE accounts SET full_name = 'renamed by new' WHERE id = 7000")
    conn.execute(
        "UPDATE accounts SET full_name = name WHERE id BETWEEN 5001 AND 10000 AND full_name IS NULL"
    )
    assert scalar(conn, "SELECT count(*) FROM accounts WHERE full_name IS DISTINCT FROM name") == 0
    assert scalar(conn, "SELECT name FROM accounts WHERE id = 7000") == "renamed by new"
    for sql in steps[4:]:  # contract
        conn.execute(sql)
    assert scalar(conn, "SELECT count(*) FROM accounts WHERE full_name IS NULL") == 0


# --- timeouts -----------------------------------------------------------------------------------


def test_lock_timeout_migration_gives_up_and_retries(conn, capsys):
    ns = run_python("python/migrations/lock_timeout.py", conn=conn)
    assert capsys.readouterr().out.splitlines() == [
        "a SELECT behind the waiting ALTER: blocked",
        "the ALTER is waiting for the report: True",
        "attempt 1: gave up after 200ms: canceling statement due to lock timeout",
        "attempt 2: gave up after 200ms: canceling statement due to lock timeout",
        "after the report commits:",
        "attempt 1: done",
    ]
    assert ns["report"].closed
    assert scalar(
        conn,
        "SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass "
        "AND attname = 'note' AND NOT attisdropped",
    )


# --- backfill -----------------------------------------------------------------------------------


class Crash(Exception):
    pass


@pytest.mark.parametrize("key_type", ["bigint", "uuid"])
def test_backfill_resumes_after_a_crash_without_redoing_or_skipping(new_pg_db, key_type):
    ns = run_python("python/migrations/backfill.py", name="backfill")
    backfill = ns["backfill"]
    conn = new_pg_db("none")
    key = "gen_random_uuid()" if key_type == "uuid" else "g"
    conn.execute(
        f"CREATE TABLE items AS SELECT {key}::{key_type} AS id, g AS price, "
        "NULL::bigint AS price_cents, 0 AS touched FROM generate_series(1, 100000) AS g"
    )
    conn.execute("ALTER TABLE items ADD PRIMARY KEY (id)")
    set_sql = "price_cents = price * 100, touched = touched + 1"

    def crash_on_fifth(batch: int, last_key: str) -> None:
        if batch == 5:
            raise Crash  # inside the batch's transaction, after its UPDATE: rolled back

    with pytest.raises(Crash):
        backfill(conn, "items", "id", set_sql, batch_size=7000, job="j", on_batch=crash_on_fifth)
    assert scalar(conn, "SELECT count(*) FROM items WHERE touched = 1") == 4 * 7000
    assert scalar(conn, "SELECT rows_done FROM backfill_progress WHERE job = 'j'") == 28000
    batches = backfill(conn, "items", "id", set_sql, batch_size=7000, job="j")
    assert batches == 11  # 100,000 - 28,000 rows in batches of 7,000: 10 full, 1 partial
    counts = conn.execute(
        "SELECT count(*) FILTER (WHERE touched = 1), count(*) FILTER (WHERE touched <> 1), "
        "count(*) FILTER (WHERE price_cents IS DISTINCT FROM price * 100) FROM items"
    ).fetchone()
    assert counts == (100000, 0, 0)
    assert scalar(conn, "SELECT rows_done FROM backfill_progress WHERE job = 'j'") == 100000
    # done is done: running it again finds nothing to do
    assert backfill(conn, "items", "id", set_sql, batch_size=7000, job="j") == 0
    if key_type == "uuid":
        last = scalar(conn, "SELECT last_key FROM backfill_progress WHERE job = 'j'")
        assert uuid.UUID(last) == scalar(conn, "SELECT id FROM items ORDER BY id DESC LIMIT 1")


def test_backfill_sends_one_update_per_batch(new_pg_db):
    ns = run_python("python/migrations/backfill.py", name="backfill")
    conn = new_pg_db("none")
    conn.execute("CREATE TABLE t AS SELECT g::bigint AS id, 0 AS n FROM generate_series(1, 2500) g")
    conn.execute("ALTER TABLE t ADD PRIMARY KEY (id)")
    sent: list[str] = []

    class Counting(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            sent.append(str(query))
            return super().execute(query, params, **kwargs)

    conn.cursor_factory = Counting
    assert ns["backfill"](conn, "t", "id", "n = n + 1", batch_size=1000, job="t") == 3
    updates = [q for q in sent if "UPDATE" in q]
    assert len(updates) == 3 + 1  # three batches, and the empty one that ends the loop


# --- moving between technologies ----------------------------------------------------------------


def test_the_move_runs_dual_write_backfill_verify_and_cutover(shard_urls, capsys):
    ns = run_python("python/migrations/tech_move.py", shard_urls=shard_urls)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "after dual write and backfill: consistent (1000 rows)",
        "after a lost write: customers ids 1-100 differ",
        "after repair: consistent (1000 rows)",
        "cut over: reads and writes go to the target",
    ]
    ns["source"].close()
    ns["target"].close()


@pytest.mark.parametrize(
    "plant",
    [
        "UPDATE customers SET email = 'x@example.com' WHERE id = 777",
        "DELETE FROM customers WHERE id = 333",
        "INSERT INTO customers VALUES (5000, 'extra@example.com', 'extra', now())",
    ],
    ids=["changed", "missing", "extra"],
)
def test_the_consistency_check_catches_a_planted_divergence(shard_urls, capsys, plant):
    ns = run_python("python/migrations/tech_move.py", shard_urls=shard_urls)
    capsys.readouterr()
    verify, target = ns["verify"], ns["target"]
    target.execute("DELETE FROM customers WHERE id = 1001")  # written after the cutover
    assert verify(ns["source"], target, "customers") == []
    target.execute(plant)
    assert verify(ns["source"], target, "customers") != []


# --- rewrites beyond the volatile default ---------------------------------------------------------


def test_each_rewrite_rebuilds_the_indexes_and_the_catalog_change_does_not(new_pg_db):
    conn = new_pg_db("none")
    run_script(conn, snippet("postgres/migrations/setup.sql"))
    index = "SELECT pg_relation_filenode('payments_pkey')"
    for sql in statements("postgres/migrations/rewrites.sql"):
        before = scalar(conn, index)
        conn.execute(sql)
        rebuilt = scalar(conn, index) != before
        # only adding the integer column with a constant default is a catalog change
        assert rebuilt == ("DEFAULT 0" not in sql), sql
    assert scalar(conn, "SELECT count(*) FROM payments WHERE cents = amount * 100") == 10000


def test_the_linter_flags_each_rewrite_of_the_snippet():
    text = snippet("postgres/migrations/rewrites.sql")
    rewrites = {"add-column-rewrites", "column-type-change"}
    flagged = {
        f.line for f in lint_text(text, "postgres/migrations/rewrites.sql") if f.rule in rewrites
    }
    lines = {s.line: s.text for s in split_statements(text)}
    expected = {line for line, sql in lines.items() if "DEFAULT 0" not in sql}
    assert flagged == expected, (flagged, lines)


# --- MariaDB and MySQL --------------------------------------------------------------------------


def maria_connect(server: Any, conn: Any) -> Any:
    """Another connection to the database of `conn`."""
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=conn.db.decode(),
        autocommit=True,
    )


def maria_run(conn: Any, sqls: list[str]) -> list[Any]:
    """Run statements; the affected-row count of each, or its rows where it returns some."""
    done = []
    with conn.cursor() as cur:
        for sql in sqls:
            affected = cur.execute(sql)
            done.append([tuple(r) for r in cur.fetchall()] if cur.description else affected)
    return done


def maria_error(conn: Any, sql: str) -> int:
    """The error number `sql` fails with."""
    with conn.cursor() as cur, pytest.raises(pymysql.err.MySQLError) as failed:
        cur.execute(sql)
    return failed.value.args[0]


def is_mariadb(conn: Any) -> bool:
    return "mariadb" in conn.get_server_info().lower()


def test_mariadb_instant_and_inplace_changes_touch_no_row(mariadb_conn):
    *setup, instant, index = statements("mariadb/migrations/online-ddl.sql")
    maria_run(mariadb_conn, setup)
    # a copy reports every row as affected (the linter's page shows 1,000); these report none
    assert maria_run(mariadb_conn, [instant, index]) == [0, 0]
    keys = "SHOW INDEX FROM line_items WHERE Key_name = 'line_items_order_idx'"
    assert maria_run(mariadb_conn, [keys, "SELECT count(note) FROM line_items"])[1] == [(0,)]


def test_mariadb_refuses_an_inplace_widening_instead_of_copying(mariadb_conn):
    *setup, widen = statements("mariadb/migrations/online-ddl-refused.sql")
    maria_run(mariadb_conn, setup)
    assert maria_error(mariadb_conn, widen) == 1846  # ER_ALTER_OPERATION_NOT_SUPPORTED_REASON
    column = (
        "SELECT data_type FROM information_schema.columns WHERE table_schema = DATABASE() "
        "AND table_name = 'line_items' AND column_name = 'quantity'"
    )
    assert maria_run(mariadb_conn, [column]) == [[("int",)]]  # nothing was changed


def test_mariadb_an_online_alter_waits_for_an_open_transaction_and_queues_what_follows(
    mariadb_conn, mariadb_server
):
    *setup, instant, index = statements("mariadb/migrations/online-ddl.sql")
    maria_run(mariadb_conn, setup)
    # the default wait: a day on MariaDB, a year on MySQL
    [[(default,)]] = maria_run(mariadb_conn, ["SELECT @@GLOBAL.lock_wait_timeout"])
    assert default == (86400 if is_mariadb(mariadb_conn) else 31536000)
    reader, altering, late = (maria_connect(mariadb_server, mariadb_conn) for _ in range(3))
    try:
        # a report in an open transaction: it has read the table and not committed
        maria_run(reader, ["START TRANSACTION", "SELECT count(*) FROM line_items"])
        maria_run(altering, ["SET SESSION lock_wait_timeout = 1"])
        for alter in (instant, index):  # neither INSTANT nor LOCK=NONE gets past it
            assert maria_error(altering, alter) == 1205  # lock wait timeout exceeded
        # without a timeout, the ALTER waits, and a query that comes after it waits behind it
        maria_run(altering, ["SET SESSION lock_wait_timeout = 60"])
        failed: list[BaseException] = []

        def alter_table() -> None:
            try:
                maria_run(altering, [instant])
            except pymysql.err.MySQLError as e:
                failed.append(e)

        thread = threading.Thread(target=alter_table)
        thread.start()
        state = ""
        for _ in range(200):
            [[(state,)]] = maria_run(
                late,
                [
                    "SELECT coalesce(STATE, '') FROM information_schema.PROCESSLIST "
                    f"WHERE ID = {altering.thread_id()}"
                ],
            )
            if state == "Waiting for table metadata lock":
                break
            time.sleep(0.05)
        assert state == "Waiting for table metadata lock"
        maria_run(late, ["SET SESSION lock_wait_timeout = 1"])
        assert maria_error(late, "SELECT quantity FROM line_items WHERE id = 1") == 1205
        assert thread.is_alive()
        maria_run(reader, ["COMMIT"])
        thread.join(60)
        assert not thread.is_alive() and not failed, failed
        assert maria_run(late, ["SELECT count(note) FROM line_items"]) == [[(0,)]]
    finally:
        for c in (reader, altering, late):
            c.close()


def test_mariadb_ddl_commits_the_open_transaction_and_cannot_be_rolled_back(mariadb_conn):
    *_, rows, column = maria_run(mariadb_conn, statements("mariadb/migrations/ddl-commits.sql"))
    assert rows == [("written before the ALTER",)]  # the ROLLBACK did not take it back
    assert column == [("nickname",)]  # nor the column


def test_postgres_rolls_back_ddl_with_the_rest_of_the_transaction(new_pg_db):
    conn = new_pg_db("none")
    run_script(conn, snippet("postgres/migrations/setup.sql"))
    [add] = statements("postgres/migrations/add-column-nullable.sql")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO accounts (name) VALUES ('written before the ALTER')")
    conn.execute(add)
    conn.execute("ROLLBACK")
    assert scalar(conn, "SELECT count(*) FROM accounts WHERE name LIKE 'written%'") == 0
    nickname = "SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass "
    assert scalar(conn, nickname + "AND attname = 'nickname'") == 0


# --- the checklists -----------------------------------------------------------------------------


def test_the_checklists_cover_the_plan_and_say_why():
    (phase,) = [p for p in phases() if p.name == "migrations"]
    assert phase.title == "Phase 6: Migrations"
    assert phase.checklists == ["Plan the migration", "Checklist: before the move"]
    for item in phase.items:
        assert item.action and item.why, item
    plan = " ".join(i.action.lower() for i in phase.items if i.checklist == "Plan the migration")
    for topic in ("backup", "staging", "estimate", "rollback", "tell", "watch"):
        assert topic in plan, topic
