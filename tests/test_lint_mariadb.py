"""`playbook lint --engine mariadb`, proven on the MariaDB of the test suite: an ALTER TABLE that
names no ALGORITHM copies the table when it cannot change it in place (the server reports every
row as affected), and one that names ALGORITHM=INSTANT or INPLACE is refused instead; LOCK=NONE
lets a write through while an index is built, a COPY holds it to the end (before MariaDB 11.2,
and on MySQL)."""

from __future__ import annotations

import threading
import time

import pymysql
import pytest

from playbooks.lint import lint_text
from playbooks.sql import snippet, split_statements

BAD, GOOD = "lint/alter-without-algorithm/bad.sql", "lint/alter-without-algorithm/good.sql"


def run(conn, path: str) -> int:
    """Run a fixture; the affected-row count of its last statement."""
    with conn.cursor() as cur:
        for statement in split_statements(snippet(path)):
            affected = cur.execute(statement.text)
    return affected


def test_the_bad_alter_is_flagged_and_the_good_one_passes():
    assert [f.rule for f in lint_text(snippet(BAD), BAD, engine="mariadb")] == [
        "alter-without-algorithm"
    ]
    assert lint_text(snippet(GOOD), GOOD, engine="mariadb") == []
    # the PostgreSQL rules do not read MariaDB files, and this rule does not read PostgreSQL ones
    assert "alter-without-algorithm" not in {f.rule for f in lint_text(snippet(BAD), BAD)}


def test_without_algorithm_the_server_copies_every_row(mariadb_conn):
    assert run(mariadb_conn, BAD) == 1000


def test_with_algorithm_it_changes_in_place_or_refuses(mariadb_conn):
    assert run(mariadb_conn, GOOD) == 0  # INSTANT: no row touched
    with mariadb_conn.cursor() as cur, pytest.raises(pymysql.err.OperationalError) as refused:
        cur.execute("ALTER TABLE counters MODIFY hits bigint NOT NULL, ALGORITHM=INPLACE")
    assert refused.value.args[0] == 1846  # ER_ALTER_OPERATION_NOT_SUPPORTED_REASON


def test_an_unparsed_statement_is_reported_not_passed():
    (finding,) = lint_text("CREATE INDEX i ON t (c) ALGORITHM=INPLACE LOCK=NONE;", engine="mariadb")
    assert finding.rule == "opaque-statement" and finding.line == 1


# --- what LOCK= lets through, watched on the server ----------------------------------------------


@pytest.fixture
def wide_table(mariadb_server, mariadb_conn):
    """A table whose index build takes long enough to be caught in the act (300,000 rows), and a
    factory of further connections to its database."""
    database = mariadb_conn.db.decode()
    with mariadb_conn.cursor() as cur:
        cur.execute("CREATE TABLE digits (d int PRIMARY KEY)")
        cur.execute("INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)")
        cur.execute("CREATE TABLE events (id int PRIMARY KEY, tag varchar(64) NOT NULL)")
        cur.execute(
            # tags in an order unlike the key's (MySQL 9.7 has no md5() to make them with)
            "INSERT INTO events SELECT n, CONCAT(REPEAT('x', 32), (n * 7919) % 300007)"
            " FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * d.d + 10000 * e.d"
            " + 100000 * f.d AS n FROM digits a, digits b, digits c, digits d, digits e,"
            " digits f) AS s WHERE n < 300000"
        )
    return lambda: connect(mariadb_server, database)


def connect(server, database: str):
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=database,
        autocommit=True,
    )


COPYING = ("altering table", "copy to tmp table")  # the ALTER's states while it works


def write_during(new_connection, alter: str) -> tuple[set[str], str]:
    """Run `alter`; once the server reports it working on the table, INSERT a row from another
    connection, and watch both in the server's process list until the INSERT is done.
    (The states the INSERT was seen in, the ALTER's state when the INSERT was done; "" if the
    ALTER had ended by then.)"""
    altering, writer, watcher = new_connection(), new_connection(), new_connection()
    ids = []
    for conn in (altering, writer):
        with conn.cursor() as cur:
            cur.execute("SELECT CONNECTION_ID()")
            ids.append(cur.fetchone()[0])
    errors: list[BaseException] = []

    def run(conn, statement: str) -> None:
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
        except BaseException as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)

    def states(cur) -> tuple[str, str]:
        cur.execute("SELECT ID, STATE FROM information_schema.PROCESSLIST WHERE ID IN %s", (ids,))
        seen = {i: (state or "") for i, state in cur.fetchall()}
        return seen.get(ids[0], ""), seen.get(ids[1], "")

    altering_thread = threading.Thread(target=run, args=(altering, alter))
    altering_thread.start()
    alter_state, deadline = "", time.monotonic() + 30
    with watcher.cursor() as cur:
        while altering_thread.is_alive() and time.monotonic() < deadline:
            alter_state, _ = states(cur)
            if alter_state in COPYING:
                break
        assert altering_thread.is_alive(), f"the ALTER ended unseen (state {alter_state!r})"
        insert = "INSERT INTO events VALUES (300001, 'written during the ALTER')"
        writing_thread = threading.Thread(target=run, args=(writer, insert))
        writing_thread.start()
        writer_states: set[str] = set()
        while writing_thread.is_alive() and time.monotonic() < deadline:
            alter_state, writer_state = states(cur)
            writer_states.add(writer_state)
        writing_thread.join(60)
        alter_state, _ = states(cur)  # the server's word, not a client thread's
    altering_thread.join(60)
    assert not errors, errors
    for c in (altering, writer, watcher):
        c.close()
    return writer_states - {""}, alter_state


def mariadb_at_least(conn, major: int, minor: int) -> bool | None:
    """True/False on MariaDB by its version, None on MySQL."""
    version = conn.get_server_info()
    if "mariadb" not in version.lower():
        return None
    numbers = tuple(int(n) for n in version.split("-")[0].split(".")[:2])
    return numbers >= (major, minor)


def test_lock_none_lets_writes_through_while_the_index_is_built(wide_table):
    writer_states, alter_state = write_during(
        wide_table, "ALTER TABLE events ADD INDEX events_tag (tag), ALGORITHM=INPLACE, LOCK=NONE"
    )
    assert "Waiting for table metadata lock" not in writer_states
    assert alter_state == "altering table"  # the INSERT was done while the build went on


def test_a_copy_holds_writes_until_it_is_done_before_mariadb_11_2(wide_table, mariadb_conn):
    """MariaDB 11.2 made ALGORITHM=COPY online: writes made meanwhile are replayed at the end."""
    writer_states, alter_state = write_during(
        wide_table, "ALTER TABLE events ADD INDEX events_tag (tag), ALGORITHM=COPY"
    )
    if mariadb_at_least(mariadb_conn, 11, 2):
        assert "Waiting for table metadata lock" not in writer_states
        assert alter_state == "copy to tmp table"
    else:  # MariaDB 10.11, MySQL
        assert "Waiting for table metadata lock" in writer_states
        # the INSERT got through only when the copy was over: the ALTER had ended, or was only
        # telling its client so (MySQL 9.7 was once seen in "Sending to client" at that moment)
        assert alter_state not in COPYING
    with mariadb_conn.cursor() as cur:  # either way, the row written meanwhile is there
        cur.execute("SELECT tag FROM events WHERE id = 300001")
        assert cur.fetchone() == ("written during the ALTER",)


def test_a_copy_promises_lock_none_from_mariadb_11_2_only(mariadb_conn):
    with mariadb_conn.cursor() as cur:
        cur.execute("CREATE TABLE t (id int PRIMARY KEY, v int)")
        statement = "ALTER TABLE t ADD INDEX t_v (v), ALGORITHM=COPY, LOCK=NONE"
        if mariadb_at_least(mariadb_conn, 11, 2):
            cur.execute(statement)  # accepted: the copy lets writes through
            cur.execute("SHOW INDEX FROM t WHERE Key_name = 't_v'")
            assert cur.fetchall()
            return
        with pytest.raises(pymysql.err.OperationalError) as refused:
            cur.execute(statement)
    assert refused.value.args[0] == 1846  # LOCK=NONE is not supported: the server refuses
