"""`playbook check` on MariaDB (and MySQL, when the matrix serves `mariadb_server` with it).

Each check finds what is planted and stays quiet on a clean schema; each printed fix is applied
exactly as printed, every check runs again (the finding is gone, nothing new appears, the
schema's guarantees hold), and the revert brings the finding back. The session cannot write,
the owner's stored functions and views are never run, and bad targets are one line and exit 2.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pymysql
import pytest

from playbooks import checks_mysql, engines, paths
from playbooks.engines import mariadb as mariadb_engine
from playbooks.engines import start_local
from playbooks.examples import page_fences
from playbooks.testing.options import served

PLAYBOOK = [sys.executable, "-m", "playbooks.cli"]


@pytest.fixture
def db(mariadb_conn, mariadb_server) -> tuple[str, Any]:
    """(URL of a fresh database, an autocommit admin connection to it)."""
    name = mariadb_conn.db.decode()
    return mariadb_server.url(name), mariadb_conn


def sql(conn: Any, text: str) -> None:
    with conn.cursor() as cur:
        for statement in (s.strip() for s in text.split(";\n")):
            if statement:
                cur.execute(statement)


# The checks that read the schema; the usage checks (performance_schema) have tests of their own,
# since any ALTER restarts a table's counters and MySQL counts from the start.
STRUCTURAL = checks_mysql.select(skip="unused-indexes,full-scan-heavy-tables")


def check(
    url: str, chosen: tuple = checks_mysql.CHECKS, min_stats_age_days: int = 7
) -> set[tuple[str, str, str]]:
    """(check, severity, object) of every finding, by a fresh read-only connection; a check
    that failed itself is (check, "error", its error message), so a failing test says why."""
    return {
        (f.check, f.severity, f.evidence if f.object == f.check else f.object)
        for f in findings(url, chosen, min_stats_age_days)
    }


def findings(url: str, chosen: tuple = STRUCTURAL, min_stats_age_days: int = 7) -> list:
    with checks_mysql.connect_read_only(url) as conn:
        return checks_mysql.run(conn, chosen, min_stats_age_days=min_stats_age_days)


def performance_schema_off(url: str) -> set[tuple[str, str, str]]:
    """The info findings a server without performance_schema gives (none when it is ON)."""
    with checks_mysql.connect_read_only(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@performance_schema")
        on = cur.fetchone()[0]
    if on:
        return set()
    return {
        ("unused-indexes", "info", "performance_schema"),
        ("full-scan-heavy-tables", "info", "performance_schema"),
    }


def values(n: int, row: Callable[[int], tuple[int, ...]]) -> str:
    """`(1, 1), (2, 2), …`: rows 1..n (MySQL has no sequence engine, and its recursive CTEs stop
    at 1,000 rows)."""
    return ", ".join(str(row(i)) for i in range(1, n + 1))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PLAYBOOK, "check", *args], capture_output=True, text=True, timeout=60)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


CLEAN = """
CREATE TABLE customer (id int AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL,
                       UNIQUE KEY customer_email (email));
CREATE TABLE purchase (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL,
                       placed date, amount int,
                       KEY purchase_placed (placed, amount),
                       CONSTRAINT purchase_customer FOREIGN KEY (customer_id)
                           REFERENCES customer (id))
"""


def test_a_clean_schema_gives_no_finding(db) -> None:
    url, conn = db
    sql(conn, CLEAN)
    sql(conn, "SELECT id FROM purchase FORCE INDEX (purchase_placed) WHERE placed = '2026-01-01'")
    assert check(url) == performance_schema_off(url)


PLANTED = """
CREATE TABLE parent (id int PRIMARY KEY, code int, UNIQUE KEY parent_code (code));
CREATE TABLE child (id int PRIMARY KEY, parent_id int, code int,
                    CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id),
                    CONSTRAINT child_code FOREIGN KEY (code) REFERENCES parent (code));
CREATE TABLE item (id int PRIMARY KEY, a int, b int, sku varchar(20),
                   KEY item_a (a), KEY item_a_id (a, id), KEY item_a_b (a, b), KEY item_b (b),
                   KEY item_b_again (b), UNIQUE KEY item_sku (sku), KEY item_sku_plain (sku));
CREATE TABLE heap (v int);
CREATE TABLE ticket (id smallint unsigned AUTO_INCREMENT PRIMARY KEY, v int)
    AUTO_INCREMENT = 60000;
CREATE TABLE counter (id int AUTO_INCREMENT PRIMARY KEY, v int) AUTO_INCREMENT = 1200000000
"""

EXPECTED = {
    # (a) and (a, id) are one index under InnoDB's primary key suffix: the longer one goes
    ("duplicate-indexes", "warning", "item.item_a_id"),
    # (a) also leads (a, b): one finding, both reasons, since the fix is the same
    ("redundant-indexes", "info", "item.item_a"),
    ("duplicate-indexes", "warning", "item.item_b_again"),
    # the plain index goes, never the unique one
    ("duplicate-indexes", "warning", "item.item_sku_plain"),
    ("tables-without-primary-key", "warning", "heap"),
    ("auto-increment-overflow", "error", "ticket.id"),
    ("auto-increment-overflow", "warning", "counter.id"),
}


CHILD_SIDE = ("fk-without-index", "error", "child (parent_id)")
PARENT_SIDE = ("fk-without-index", "error", "parent (code)")


def plant(conn: Any) -> set[tuple[str, str, str]]:
    """PLANTED, and the foreign keys' indexes dropped where the server lets it (MariaDB):
    what must be found."""
    sql(conn, PLANTED)
    expected = set(EXPECTED)
    if _drop_with_checks_off(conn, "child", "child_parent"):
        expected.add(CHILD_SIDE)
    if _drop_with_checks_off(conn, "parent", "parent_code"):
        expected.add(PARENT_SIDE)
    return expected


def _drop_with_checks_off(conn: Any, table: str, index: str) -> bool:
    """MariaDB drops a foreign key's index with foreign_key_checks off; MySQL refuses (1553),
    so there the problem cannot arise that way."""
    sql(conn, "SET SESSION foreign_key_checks = 0")
    try:
        sql(conn, f"ALTER TABLE {table} DROP INDEX {index}")
        return True
    except pymysql.err.MySQLError as e:
        assert e.args[0] == 1553 and not _is_mariadb(conn), e
        return False
    finally:
        sql(conn, "SET SESSION foreign_key_checks = 1")


def _is_mariadb(conn: Any) -> bool:
    return "mariadb" in conn.get_server_info().lower()


def test_mysql_wants_a_unique_parent_key_where_mariadb_takes_any_index(db) -> None:
    """The checks page: MySQL "wants a unique parent key", so the parent side cannot be planted
    there either; MariaDB takes a foreign key to a column with a plain index."""
    _, conn = db
    sql(conn, "CREATE TABLE loose_parent (id int PRIMARY KEY, code int, KEY loose_code (code))")
    child = (
        "CREATE TABLE loose_child (id int PRIMARY KEY, code int, "
        "FOREIGN KEY (code) REFERENCES loose_parent (code))"
    )
    if _is_mariadb(conn):
        sql(conn, child)
        return
    with pytest.raises(pymysql.err.MySQLError) as refused:
        sql(conn, child)
    assert refused.value.args[0] == 6125, refused.value
    assert "Missing unique key" in refused.value.args[1], refused.value
    page = " ".join((paths.DOCS / "checks.md").read_text().split())
    assert "wants a unique parent key (error 6125" in page


def test_the_planted_problems_are_found(db) -> None:
    url, conn = db
    expected = plant(conn)
    assert check(url, STRUCTURAL) == expected


def _explain_key(conn: Any, query: str) -> str | None:
    """The index the plan reads (MySQL 9 explains as a tree unless told otherwise)."""
    traditional = "" if _is_mariadb(conn) else "FORMAT=TRADITIONAL "
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(f"EXPLAIN {traditional}{query}")
        return cur.fetchone()["key"]


def _rejects(conn: Any, statement: str, code: int) -> bool:
    try:
        sql(conn, statement)
    except pymysql.err.MySQLError as e:
        return e.args[0] == code
    return False


# (name, schema, check, object, what must still hold after the fix: (statement, error code)
# that must fail, or a query that must still read an index)
FIXES = [
    (
        "suffix-duplicate",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY t_a (a), KEY t_a_id (a, id));"
        f"\nINSERT INTO t VALUES {values(2000, lambda i: (i, i % 50))};\nANALYZE TABLE t",
        "duplicate-indexes",
        "t.t_a_id",
        ("index", "SELECT id FROM t WHERE a = 7"),
    ),
    (
        "unique-kept",
        "CREATE TABLE u (id int PRIMARY KEY, e varchar(40), UNIQUE KEY u_e (e), KEY u_e2 (e));"
        "\nINSERT INTO u VALUES (1, 'x')",
        "duplicate-indexes",
        "u.u_e2",
        ("rejects", "INSERT INTO u VALUES (2, 'x')", 1062),
    ),
    (
        "redundant",
        "CREATE TABLE r (id int PRIMARY KEY, a int, b int, KEY r_a (a), KEY r_ab (a, b));"
        f"\nINSERT INTO r VALUES {values(2000, lambda i: (i, i % 50, i))};\nANALYZE TABLE r",
        "redundant-indexes",
        "r.r_a",
        ("index", "SELECT id FROM r WHERE a = 7"),
    ),
    (
        "fk-child",
        "CREATE TABLE p (id int PRIMARY KEY);\n"
        "CREATE TABLE c (id int PRIMARY KEY, pid int, CONSTRAINT c_p FOREIGN KEY (pid) "
        "REFERENCES p (id))",
        "fk-without-index",
        "c (pid)",
        ("rejects", "INSERT INTO c VALUES (1, 42)", 1452),
    ),
    (
        "fk-parent",
        "CREATE TABLE p (id int PRIMARY KEY, code int, UNIQUE KEY p_code (code));\n"
        "CREATE TABLE c (id int PRIMARY KEY, code int, CONSTRAINT c_code FOREIGN KEY (code) "
        "REFERENCES p (code))",
        "fk-without-index",
        "p (code)",
        ("rejects", "INSERT INTO c VALUES (1, 42)", 1452),
    ),
    (
        "promote-unique-to-primary-key",
        "CREATE TABLE w (code varchar(20) NOT NULL, v int, UNIQUE KEY w_code (code));\n"
        "INSERT INTO w VALUES ('a', 1)",
        "tables-without-primary-key",
        "w",
        ("rejects", "INSERT INTO w VALUES ('a', 2)", 1062),
    ),
    (
        "auto-increment",
        "CREATE TABLE k (id smallint unsigned AUTO_INCREMENT PRIMARY KEY COMMENT 'it''s', v int)"
        " AUTO_INCREMENT = 60000",
        "auto-increment-overflow",
        "k.id",
        ("rejects", "INSERT INTO k (id, v) VALUES (1, 1), (1, 2)", 1062),
    ),
]


@pytest.mark.parametrize("case", FIXES, ids=[c[0] for c in FIXES])
def test_each_printed_fix_is_proven(db, case) -> None:
    name, schema, check_name, obj, guarantee = case
    url, conn = db
    sql(conn, schema)
    planted = {"fk-child": ("c", "c_p"), "fk-parent": ("p", "p_code")}.get(name)
    if planted and not _drop_with_checks_off(conn, *planted):
        return  # MySQL refused the drop (asserted there): the problem cannot arise
    before = findings(url)
    [finding] = [f for f in before if f.object == obj] or [before]  # shows them if absent
    assert finding.check == check_name and finding.fix and finding.revert and finding.lock
    sql(conn, finding.fix)
    after = findings(url)
    assert {(f.check, f.object) for f in after} == {
        (f.check, f.object) for f in before if f is not finding
    }
    if guarantee[0] == "rejects":
        assert _rejects(conn, guarantee[1], guarantee[2]), guarantee
    else:
        assert _explain_key(conn, guarantee[1]) is not None
    sql(conn, finding.revert)
    assert obj in {f.object for f in findings(url)}


def test_a_foreign_key_without_its_index_refuses_valid_writes_until_fixed(db) -> None:
    """What the evidence claims: InnoDB does not scan, it refuses; the printed fixes end that."""
    url, conn = db
    planted = plant(conn)
    if not planted & {CHILD_SIDE, PARENT_SIDE}:
        return  # MySQL refused to drop either index (asserted by plant): nothing to refuse
    sql(conn, "INSERT INTO parent VALUES (1, 5), (2, 6)")
    insert_child = "INSERT INTO child VALUES (1, 1, 5)"  # both parents exist
    delete_parent = "DELETE FROM parent WHERE id = 2"  # no child refers to it
    assert _rejects(conn, insert_child, 1452)
    assert _rejects(conn, delete_parent, 1451)
    for f in findings(url):
        if f.check == "fk-without-index":
            sql(conn, f.fix)
    sql(conn, f"{insert_child};\n{delete_parent}")
    assert not {f.object for f in findings(url) if f.check == "fk-without-index"}


def test_the_session_cannot_write_and_is_time_limited(db) -> None:
    url, conn = db
    sql(conn, "CREATE TABLE t (id int PRIMARY KEY)")
    with checks_mysql.connect_read_only(url) as ro, ro.cursor() as cur:
        for statement in ("INSERT INTO t VALUES (1)", "CREATE TABLE t2 (v int)"):
            with pytest.raises(pymysql.err.MySQLError) as refused:
                cur.execute(statement)
            assert refused.value.args[0] == 1792  # "Cannot execute statement in a READ ONLY …"
        cur.execute("SELECT @@lock_wait_timeout, @@innodb_lock_wait_timeout")
        assert cur.fetchone() == (1, 1)
        cur.execute("SELECT VERSION()")
        if "mariadb" in cur.fetchone()[0].lower():
            cur.execute("SELECT @@max_statement_time")
            assert cur.fetchone()[0] == 5
            with pytest.raises(pymysql.err.MySQLError) as stopped:
                cur.execute("SELECT SLEEP(30) FROM DUAL")
                cur.fetchall()
            assert stopped.value.args[0] == 1969  # max_statement_time exceeded
        else:
            cur.execute("SELECT @@max_execution_time")
            assert cur.fetchone()[0] == 5000
    with conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM t")
        assert cur.fetchone()[0] == 0


TRAPS = """
CREATE TABLE trap_log (id int AUTO_INCREMENT PRIMARY KEY, note varchar(100));
CREATE FUNCTION trap() RETURNS int NOT DETERMINISTIC
BEGIN SET @trapped = 1; RETURN 1; END;
CREATE FUNCTION hex(v varchar(100)) RETURNS varchar(100) DETERMINISTIC
BEGIN SET @trapped = 1; RETURN 'x'; END;
CREATE VIEW trap_view AS SELECT trap() AS x;
CREATE VIEW `STATISTICS` AS SELECT trap() AS TABLE_NAME;
CREATE TABLE `TABLES` (id int PRIMARY KEY, TABLE_NAME varchar(64))
"""


def test_the_owners_functions_and_views_never_run(db) -> None:
    url, conn = db
    plant(conn)
    expected = check(url)
    sql(conn, TRAPS)
    with conn.cursor() as cur:  # control: an ordinary query through the view falls in the trap
        cur.execute("SELECT x FROM trap_view")
        cur.execute("SELECT @trapped")
        assert cur.fetchone()[0] == 1
    with checks_mysql.connect_read_only(url) as ro:
        found = {(f.check, f.severity, f.object) for f in checks_mysql.run(ro)}
        with ro.cursor() as cur:
            cur.execute("SELECT @trapped")
            assert cur.fetchone()[0] is None
    assert found == expected  # nothing hidden, nothing invented


def test_names_that_forge_output_are_escaped(db) -> None:
    url, conn = db
    sql(conn, "CREATE TABLE `evil\x1b[2J\nINFO fake` (v int)")
    result = cli("--dsn", url)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "evil\\x1b[2J\\nINFO fake" in result.stdout
    assert not any(line.startswith("INFO fake") for line in result.stdout.splitlines())


def test_the_cli_routes_mysql_urls_and_reports_the_server(db) -> None:
    url, conn = db
    sql(conn, "CREATE TABLE heap (v int)")
    text = cli("--dsn", url, "--fail-on", "warning")
    assert text.returncode == 1, text.stderr
    first = text.stdout.splitlines()[0]
    database = conn.db.decode()
    assert first.startswith(("checked MariaDB ", "checked MySQL ")) and database in first
    assert "WARNING  tables-without-primary-key: heap" in text.stdout
    assert "checks/#mariadb-tables-without-primary-key" in text.stdout
    document = json.loads(
        cli("--dsn", url.replace("mysql://", "mariadb://"), "--format", "json").stdout
    )
    assert document["server"]["engine"] in ("MariaDB", "MySQL")
    assert document["server"]["database"] == database
    [heap] = [f for f in document["findings"] if f["check"] == "tables-without-primary-key"]
    assert heap["object"] == "heap" and heap["link"].endswith("#mariadb-tables-without-primary-key")
    listed = cli("--list", "--dsn", url)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        c.name for c in checks_mysql.CHECKS
    ]
    only = json.loads(cli("--dsn", url, "--only", "duplicate-indexes", "--format", "json").stdout)
    assert only["checks"] == ["duplicate-indexes"] and only["findings"] == []


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    error = one_line_error(cli("--dsn", "mysql://app:s3cr%21tZq@127.0.0.1:1/shop"))
    assert error.startswith("playbook: error: cannot connect to app@127.0.0.1:1/shop:")
    assert "s3cr" not in error


@pytest.mark.parametrize(
    "dsn",
    [
        "mysql://app:Zq9xWk7@127.0.0.1:1/",  # no database
        "mysql://app:Zq9xWk7@127.0.0.1:99999/shop",  # bad port
        "mysql://app:Zq9xWk7@127.0.0.1:1/shop?password=Zq9xWk7",
        "mariadb://app:Zq9xWk7@127.0.0.1:1/shop?ssl-mode=sometimes",
    ],
)
def test_bad_urls_are_one_line_without_the_password(dsn: str) -> None:
    error = one_line_error(cli("--dsn", dsn))
    assert "Zq9xWk7" not in error


def test_a_wrong_password_is_one_line(db, mariadb_server) -> None:
    url, conn = db
    wrong = f"mysql://root:not-{mariadb_server.password}@{mariadb_server.host}:"
    error = one_line_error(cli("--dsn", f"{wrong}{mariadb_server.port}/{conn.db.decode()}"))
    assert "Access denied" in error and mariadb_server.password not in error


def test_a_postgresql_or_redis_port_is_named(postgres_server, redis_server) -> None:
    for server, protocol in ((postgres_server, "PostgreSQL"), (redis_server, "Redis")):
        started = time.monotonic()
        error = one_line_error(cli("--dsn", f"mysql://u:pw@{server.host}:{server.port}/db"))
        assert f"that port answers with the {protocol} protocol" in error, error
        assert time.monotonic() - started < checks_mysql.DEADLINE_S + 10


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word: a stalled server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_stalled_server_cannot_hang_the_check(silent_port: int) -> None:
    started = time.monotonic()
    error = one_line_error(cli("--dsn", f"mysql://u:pw@127.0.0.1:{silent_port}/db"))
    assert "cannot connect to u@127.0.0.1" in error
    assert time.monotonic() - started < checks_mysql.DEADLINE_S + 10


def _packet(seq: int, payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "little") + bytes([seq]) + payload


def _read_packet(sock: socket.socket) -> bytes:
    header = sock.recv(4, socket.MSG_WAITALL)
    if len(header) < 4:
        return b""
    return sock.recv(int.from_bytes(header[:3], "little"), socket.MSG_WAITALL)


# A MySQL greeting (protocol 10) without TLS: protocol 4.1, secure connection, plugin auth (with
# length-encoded data), connect with a database, connection attributes.
CAPABILITIES = 0x0200 | 0x8000 | 0x0008 | 0x0001 | 0x2000 | 0x80000 | 0x100000 | 0x200000


@pytest.fixture
def clear_text_asker(
    request: pytest.FixtureRequest, one_connection_server
) -> tuple[int, list[bytes]]:
    """(port, what the client sent) of a server that greets as MySQL 8 with
    mysql_native_password, then answers the login with an auth switch to a method that gives
    the password away (`mysql_clear_password` unless the test names another): what a man in the
    middle would do."""
    method = getattr(request, "param", "mysql_clear_password").encode()
    received: list[bytes] = []
    salt = b"abcdefgh" + b"ijklmnopqrst"
    greeting = (
        b"\x0a8.0.99-clear-text-asker\x00"
        + (7).to_bytes(4, "little")
        + salt[:8]
        + b"\x00"
        + (CAPABILITIES & 0xFFFF).to_bytes(2, "little")
        + bytes([45])
        + (2).to_bytes(2, "little")
        + (CAPABILITIES >> 16).to_bytes(2, "little")
        + bytes([21])
        + bytes(10)
        + salt[8:]
        + b"\x00"
        + b"mysql_native_password\x00"
    )

    def talk(conn: socket.socket) -> None:
        conn.sendall(_packet(0, greeting))
        received.append(_read_packet(conn))  # the login, with the scrambled password
        conn.sendall(_packet(2, b"\xfe" + method + b"\x00" + salt[:8] + b"\x00"))
        received.append(_read_packet(conn))  # what gives the password away, if sent

    return one_connection_server(talk), received


@pytest.mark.parametrize(
    "clear_text_asker",
    ["mysql_clear_password", "dialog", "mysql_old_password"],
    indirect=True,
)
def test_a_server_that_asks_for_the_password_in_clear_text_does_not_get_it(
    clear_text_asker,
) -> None:
    """Nor the scramble of mysql_old_password, from which it can be cracked."""
    port, received = clear_text_asker
    result = cli("--dsn", f"mysql://app:Zq9xWk7secret@127.0.0.1:{port}/shop")
    assert received and b"app" in received[0]  # it did log in, with the scramble
    assert not any(received[1:]), received  # and sent nothing after the switch
    error = one_line_error(result)
    assert re.search(
        r"asked for the password.* \((mysql_clear_password|dialog|mysql_old_password)\): refused",
        error,
    ), error
    assert "ssl-mode=verify_identity" in error and "Zq9xWk7" not in error


def _with_performance_schema(start: Callable[[], Any]) -> Any:
    """A server `start` starts with performance_schema ON (MariaDB's is OFF, MySQL's ON)."""
    saved = mariadb_engine.SETTINGS
    mariadb_engine.SETTINGS = (*saved, "--performance-schema=ON")
    try:
        return start()
    finally:
        mariadb_engine.SETTINGS = saved


@pytest.fixture(scope="module")
def measured_server() -> Iterator[Any]:
    """A MariaDB of this machine's binaries with performance_schema ON (MariaDB's is OFF)."""
    try:
        server = _with_performance_schema(lambda: start_local("mariadb"))
    except Exception as e:  # noqa: BLE001 - no local MariaDB: the matrix's MySQL covers it
        pytest.skip(f"no local MariaDB with performance_schema: {e}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def usage_server(request: pytest.FixtureRequest, measured_server) -> Iterator[Any]:
    """A server of this run's MariaDB or MySQL version with performance_schema ON: the local
    measured_server by default; in a row of the matrix, a container of the row's version."""
    engine, version = served(request.config, "mariadb")
    if not version:
        yield measured_server
        return
    server = _with_performance_schema(lambda: engines.start(engine, version))
    yield server
    server.stop()


def _database_on(server: Any) -> Iterator[tuple[str, Any]]:
    name = f"dbarch_ps_{time.monotonic_ns()}"
    admin = pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        autocommit=True,
    )
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
        cur.execute(f"USE {name}")
    yield server.url(name), admin
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE {name}")
    admin.close()


@pytest.fixture
def measured_db(measured_server) -> Iterator[tuple[str, Any]]:
    """A database on the local measured_server (whose process the stall test may pause)."""
    yield from _database_on(measured_server)


@pytest.fixture
def usage_db(usage_server) -> Iterator[tuple[str, Any]]:
    """A database on this run's version, with performance_schema ON."""
    with checks_mysql.connect_read_only(usage_server.url("mysql")) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@performance_schema, VERSION()")
        on, version = cur.fetchone()
    assert on, f"performance_schema is OFF on {version}"
    yield from _database_on(usage_server)


def test_usage_checks_measure_with_performance_schema_and_say_how_old(usage_db) -> None:
    url, conn = usage_db
    sql(
        conn,
        "CREATE TABLE scanned (id int PRIMARY KEY, v int, w int, KEY scanned_v (v), "
        f"KEY scanned_w (w));\nINSERT INTO scanned VALUES {values(2000, lambda i: (i, i, i))};\n"
        "ANALYZE TABLE scanned",
    )
    for _ in range(12):
        sql(conn, "SELECT COUNT(*) FROM scanned IGNORE INDEX (scanned_v, scanned_w) WHERE v > 5")
    sql(conn, "SELECT id FROM scanned FORCE INDEX (scanned_v) WHERE v = 7")
    young = findings(url, checks_mysql.CHECKS)
    unused = [f for f in young if f.check == "unused-indexes"]
    assert [f.object for f in unused] == ["scanned.scanned_w"]  # scanned_v served a query
    assert unused[0].severity == "info" and "not used in the 0.0 days" in unused[0].evidence
    assert "too young" in unused[0].evidence
    scans = [f for f in young if f.check == "full-scan-heavy-tables"]
    assert [(f.object, f.severity, f.fix) for f in scans] == [("scanned", "info", None)]
    assert check(url, min_stats_age_days=0) == {
        ("unused-indexes", "warning", "scanned.scanned_w"),
        ("full-scan-heavy-tables", "warning", "scanned"),
    }
    # the fix, proven: the finding goes, the index that served a query still serves it, and
    # the revert brings the finding back
    sql(conn, unused[0].fix)
    after = findings(url, checks_mysql.CHECKS)
    # The ALTER restarted the table's counters, so its other index is unproven again: info
    # only, and the evidence says the counters are new. Nothing else appears.
    assert {(f.check, f.severity, f.object) for f in after} == {
        ("unused-indexes", "info", "scanned.scanned_v")
    }
    assert "not used in the 0.0 days" in after[0].evidence
    assert _explain_key(conn, "SELECT id FROM scanned WHERE v = 7") == "scanned_v"
    sql(conn, unused[0].revert)
    assert ("unused-indexes", "warning", "scanned.scanned_w") in check(url, min_stats_age_days=0)


def test_an_index_a_foreign_key_needs_is_never_called_unused(usage_db) -> None:
    url, conn = usage_db
    sql(
        conn,
        "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int, "
        "CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id))",
    )
    assert check(url, min_stats_age_days=0) == set()


def test_a_server_that_stops_answering_mid_check_is_given_up(measured_server, measured_db) -> None:
    """The server this module started is paused (SIGSTOP) after the connection is made."""
    url, _ = measured_db
    assert measured_server.pids, "a server of ours, whose process we may pause"
    conn = checks_mysql.connect_read_only(url)
    started = time.monotonic()
    for pid in measured_server.pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        result = checks_mysql.run(conn)
    finally:
        for pid in measured_server.pids:
            os.kill(pid, signal.SIGCONT)
    elapsed = time.monotonic() - started
    assert elapsed < checks_mysql.DEADLINE_S + 3, elapsed
    [finding] = result
    assert finding.severity == "error" and "did not answer within" in finding.evidence
    assert "redundant-indexes" in finding.evidence  # the checks that did not run are named
    assert not conn.open


# --- logging in -----------------------------------------------------------------------------------


# How a password is checked: the server's default and, on MariaDB, the ed25519 plugin it ships.
LOGIN_METHODS = {
    "mariadb": {
        "mysql_native_password": "IDENTIFIED BY %s",
        "ed25519": "IDENTIFIED VIA ed25519 USING PASSWORD(%s)",
    },
    "mysql": {"caching_sha2_password": "IDENTIFIED BY %s"},
}


@pytest.mark.parametrize("tls", ["preferred", "disabled"])
def test_an_account_of_each_password_method_can_run_the_check(db, tls) -> None:
    """PyMySQL needs PyNaCl for MariaDB's ed25519, and cryptography for MySQL's
    caching_sha2_password without TLS (the first login of an account then sends its password
    encrypted with the server's RSA key): both come with the package's own dependencies."""
    url, conn = db
    database, parts = conn.db.decode(), urlsplit(url)
    methods = LOGIN_METHODS["mariadb" if _is_mariadb(conn) else "mysql"]
    with conn.cursor() as cur:
        if "ed25519" in methods:
            cur.execute(
                "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'"
            )
            if not cur.fetchone()[0]:
                cur.execute("INSTALL SONAME 'auth_ed25519'")
    for method, identified in methods.items():
        user, password = f"login_{method[:7]}_{os.getpid()}", secrets.token_hex(8)
        with conn.cursor() as cur:
            cur.execute(f"CREATE USER {user} {identified}", [password])
        try:
            with conn.cursor() as cur:
                cur.execute(f"GRANT SELECT ON `{database}`.* TO {user}")  # as the page does
                cur.execute(f"GRANT SELECT ON performance_schema.* TO {user}")
                cur.execute("SELECT plugin FROM mysql.user WHERE user = %s", [user])
                assert cur.fetchone() == (method,)
            dsn = f"{parts.scheme}://{user}:{password}@{parts.hostname}:{parts.port}/{database}"
            result = cli("--dsn", f"{dsn}?ssl-mode={tls}", "--format", "json")
        finally:
            sql(conn, f"DROP USER {user}")
        assert result.returncode in (0, 1), (method, result.stderr)  # 1: a finding, not an error
        report = json.loads(result.stdout)
        assert report["checks"] == [c.name for c in checks_mysql.CHECKS]
        assert report["server"]["user"].startswith(f"{user}@")
        assert [f for f in report["findings"] if f["severity"] == "error"] == [], method


# --- the account the page recommends ------------------------------------------------------------


@contextlib.contextmanager
def pages_account(url: str, admin: Any) -> Iterator[str]:
    """The URL of `url`'s database as the account docs/checks.md tells readers to create for the
    check (its statements as shown, with a name, a password and the database filled in)."""
    (fence,) = [
        f
        for f in page_fences(paths.DOCS / "checks.md", paths.DOCS)
        if "GRANT SELECT ON performance_schema" in f.body
    ]
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    user, password = f"auditor_{os.getpid()}_{time.monotonic_ns() % 10**9}", secrets.token_hex(8)
    shown = fence.body.replace("auditor", user).replace("choose-a-long-one", password)
    assert "shop.*" in shown
    sql(admin, shown.replace("shop.*", f"`{database}`.*").rstrip().rstrip(";"))
    try:
        yield f"{parts.scheme}://{user}:{password}@{parts.hostname}:{parts.port}/{database}"
    finally:
        sql(admin, f"DROP USER {user}")


def scanned_and_planted(conn: Any) -> set[tuple[str, str, str]]:
    """The planted schema, and a table read by full scans whose second index never served."""
    expected = plant(conn)
    sql(
        conn,
        "CREATE TABLE scanned (id int PRIMARY KEY, v int, w int, KEY scanned_v (v), "
        f"KEY scanned_w (w));\nINSERT INTO scanned VALUES {values(2000, lambda i: (i, i, i))}",
    )
    for _ in range(12):
        sql(conn, "SELECT COUNT(*) FROM scanned IGNORE INDEX (scanned_v, scanned_w) WHERE v > 5")
    sql(conn, "SELECT id FROM scanned FORCE INDEX (scanned_v) WHERE v = 7")
    return expected


USAGE_CHECKS = {"unused-indexes", "full-scan-heavy-tables"}


def sees_what_an_admin_sees(url: str, admin: Any) -> set[tuple[str, str, str]]:
    """The planted problems, checked as the admin and as the page's account: the same findings.
    Without the page's second GRANT, the usage checks fail and say why."""
    expected = scanned_and_planted(admin)
    as_admin = check(url, min_stats_age_days=0)
    # what is planted is found (an index found unused as well as redundant is a warning)
    assert {(c, o) for c, _, o in expected} <= {(c, o) for c, _, o in as_admin}
    with pages_account(url, admin) as auditor:
        assert check(auditor, min_stats_age_days=0) == as_admin
        # why the primary-key check reads STATISTICS: MariaDB shows this account no constraints
        constraints = (
            "SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = %s"
        )
        database = urlsplit(url).path.lstrip("/")
        with checks_mysql.connect_read_only(auditor) as conn, conn.cursor() as cur:
            cur.execute(constraints, [database])
            seen = cur.fetchone()[0]
        with admin.cursor() as cur:
            cur.execute(constraints, [database])
            assert cur.fetchone()[0] > 0
        assert seen == 0 if _is_mariadb(admin) else seen > 0
        sql(admin, f"REVOKE SELECT ON performance_schema.* FROM {urlsplit(auditor).username}")
        without = check(auditor, min_stats_age_days=0)
    # the usage checks fail and name the privilege; the rest find the same objects (a redundant
    # index no longer known to be unused is info again)
    denied = {
        c
        for c, severity, why in without
        if severity == "error" and "denied" in why and "table_io_waits_summary" in why
    }
    assert denied == USAGE_CHECKS, without
    assert {(c, o) for c, _, o in without if c not in USAGE_CHECKS} == {
        (c, o) for c, _, o in as_admin if c not in USAGE_CHECKS
    }
    return as_admin


def test_the_pages_account_finds_what_an_admin_finds(db) -> None:
    """On the suite's server of each version: MariaDB keeps performance_schema OFF, MySQL ON."""
    url, conn = db
    sees_what_an_admin_sees(url, conn)


def test_the_pages_account_measures_usage_with_performance_schema_on(usage_db) -> None:
    url, conn = usage_db
    as_admin = sees_what_an_admin_sees(url, conn)
    assert ("unused-indexes", "warning", "scanned.scanned_w") in as_admin
    assert ("full-scan-heavy-tables", "warning", "scanned") in as_admin
