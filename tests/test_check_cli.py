"""`playbook check` from the command line: what it prints, its exit codes, and what it refuses."""

import json
import re
import subprocess
import sys

import psycopg
import pytest

from playbooks import checks, paths
from playbooks.terminal import md_text

PLAYBOOK = [sys.executable, "-m", "playbooks.cli"]


@pytest.fixture
def database(new_pg_db, postgres_server):
    """A fresh database with the extensions only; its URL and an autocommit connection."""
    conn = new_pg_db("none")
    return postgres_server.url(conn.info.dbname), conn


def test_the_check_connection_refuses_writes_and_is_time_limited(database) -> None:
    url, _ = database
    with checks.connect_read_only(url) as ro:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            ro.execute("CREATE TABLE sneaky (id int)")
        ro.rollback()
        ro.autocommit = True  # even outside the session's explicit READ ONLY transactions
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            ro.execute("CREATE TABLE sneaky (id int)")
        settings = dict(
            ro.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('statement_timeout', 'lock_timeout', 'application_name')"
            ).fetchall()
        )
        keepalive = {
            o.keyword.decode(): (o.val or b"").decode()
            for o in ro.pgconn.info
            if o.keyword.startswith(b"keepalives")
        }
    assert keepalive == {
        "keepalives": "1",
        "keepalives_idle": "5",
        "keepalives_interval": "2",
        "keepalives_count": "3",
    }
    assert settings == {
        "statement_timeout": "5000",
        "lock_timeout": "1000",
        "application_name": "playbook check",
    }


def test_each_check_transaction_begins_read_only_should_the_session_setting_be_lost(
    database,
) -> None:
    """A pooler may drop the connection's options, and default_transaction_read_only with them
    (PgBouncer does with ignore_startup_parameters = options): each transaction of the checks
    still begins READ ONLY."""
    url, _ = database
    with checks.connect_read_only(url) as ro:
        ro.execute("SET default_transaction_read_only = off")  # what a dropped option leaves
        ro.commit()
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            ro.execute("CREATE TABLE sneaky (id int)")


def test_the_cli_reports_findings_with_links_and_fails_on_the_chosen_level(database) -> None:
    url, conn = database
    conn.execute("CREATE TABLE heap_only (v int)")
    text = subprocess.run([*PLAYBOOK, "check", "--dsn", url], capture_output=True, text=True)
    assert text.returncode == 0, text.stderr  # a warning does not reach the default --fail-on error
    assert "WARNING  tables-without-primary-key: public.heap_only" in text.stdout
    assert "see http://127.0.0.1:8000/checks/#tables-without-primary-key" in text.stdout
    strict = subprocess.run(
        [*PLAYBOOK, "check", "--dsn", url, "--fail-on", "warning", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert strict.returncode == 1
    findings = json.loads(strict.stdout)["findings"]
    assert {
        "check": "tables-without-primary-key",
        "severity": "warning",
        "object": "public.heap_only",
        "link": "http://127.0.0.1:8000/checks/#tables-without-primary-key",
    }.items() <= findings[0].items()
    only = subprocess.run(
        [*PLAYBOOK, "check", "--dsn", url, "--phase", "indexing"], capture_output=True, text=True
    )
    assert "heap_only" not in only.stdout


def check_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | (env or {})
    return subprocess.run(
        [*PLAYBOOK, "check", *args], capture_output=True, text=True, timeout=60, env=environ
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("playbook: error: ")
    return result.stderr


def test_an_unreachable_dsn_is_one_line_without_the_password() -> None:
    error = one_line_error(check_cli("--dsn", "postgresql://app:s3cr%21t@127.0.0.1:1/shop"))
    assert error.startswith("playbook: error: cannot connect to app@127.0.0.1:1/shop:")
    assert "s3cr" not in error


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://u:Zq9xWk7@[::1/db",  # libpq quotes the whole URI back
        "postgresql://u:Zq9xWk7@[]/",
        "postgresql://u:Zq9xWk7%ZZ@h/db",  # and the broken token
        "postgresql://h:1/db?password=Zq9xWk7",
        "postgresql://h:1/db?password=Zq9xWk7&bogus=1",
        "host=127.0.0.1 port=1 password=Zq9xWk7",
        "host=127.0.0.1 port=1 password='Zq9xWk7",
    ],
)
def test_a_password_never_reaches_the_output_of_a_bad_dsn(dsn) -> None:
    error = one_line_error(check_cli("--dsn", dsn))
    assert "Zq9xWk7" not in error and "q9xW" not in error, error


@pytest.mark.parametrize("dsn", ["", "   "])
def test_an_empty_dsn_is_refused_instead_of_checking_libpq_defaults(dsn) -> None:
    assert "empty" in one_line_error(check_cli("--dsn", dsn))


def test_without_dsn_database_url_is_used_and_without_both_it_says_so(database) -> None:
    url, _ = database
    assert "no database to check" in one_line_error(check_cli())
    result = check_cli(env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("checked PostgreSQL 1")


def test_the_first_line_names_server_port_database_and_version(database, postgres_server) -> None:
    """…and no format prints the password of the connection string it was given."""
    url, conn = database
    host, port, db = conn.info.host, conn.info.port, conn.info.dbname
    version = conn.info.parameter_status("server_version")
    runs = {f: check_cli("--dsn", url, "--format", f) for f in ("text", "markdown", "json")}
    assert postgres_server.password and postgres_server.password in url
    for run in runs.values():
        assert postgres_server.password not in run.stdout + run.stderr
    text = runs["text"].stdout.splitlines()[0]
    assert text.startswith(f"checked PostgreSQL {version} at {host}:{port}, database {db}")
    markdown = runs["markdown"].stdout.splitlines()[0]
    assert markdown.startswith("# playbook check: checked PostgreSQL ")
    assert md_text(db) in markdown
    document = json.loads(runs["json"].stdout)
    assert document["server"] == {
        "host": host,
        "port": int(port),
        "database": db,
        "user": conn.info.user,
        "server_version": version,
        "engine": "PostgreSQL",
    }
    assert document["checked_at"].endswith("+00:00")


def test_a_short_password_does_not_mangle_the_findings(database, postgres_server) -> None:
    """Redaction is by field: a password `or` must leave the table `orders` alone."""
    _, conn = database
    db = conn.info.dbname
    role = f"or_{db}"
    conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'or' IN ROLE pg_monitor")
    conn.execute("CREATE TABLE orders (v int)")
    try:
        url = f"postgresql://{role}:or@{postgres_server.host}:{postgres_server.port}/{db}"
        result = check_cli("--dsn", url)
        assert "public.orders" in result.stdout and "***" not in result.stdout
    finally:
        conn.execute("DROP TABLE orders")
        conn.execute(f"DROP ROLE {role}")


def test_names_from_the_database_cannot_forge_output_lines(database) -> None:
    """An object name holding a newline and ESC stays on its line, visibly escaped."""
    url, conn = database
    forged = "t\n1 check, 0 findings: 0 error, 0 warning, 0 info\x1b[8m"
    conn.execute(f'CREATE TABLE "{forged}" (v int)')
    only = ("--only", "tables-without-primary-key")
    text = check_cli("--dsn", url, *only).stdout
    assert "\x1b" not in text
    summaries = [line for line in text.splitlines() if line.startswith("1 check, ")]
    assert summaries == ["1 check, 1 finding: 0 error, 1 warning, 0 info"]
    assert "\\n1 check" in text and "\\x1b[8m" in text
    markdown = check_cli("--dsn", url, *only, "--format", "markdown").stdout
    row = [line for line in markdown.splitlines() if line.startswith("| warning |")]
    assert len(row) == 1 and "\x1b" not in markdown and row[0].count(" | ") == 3


def test_a_port_of_another_engine_is_named(mariadb_server, redis_server) -> None:
    for server, protocol in ((mariadb_server, "MySQL"), (redis_server, "Redis")):
        dsn = f"postgresql://u@{server.host}:{server.port}/db?connect_timeout=2"
        error = one_line_error(check_cli("--dsn", dsn))
        assert f"that port answers with the {protocol} protocol" in error, error


@pytest.mark.parametrize("scheme", ["redis", "mongodb"])  # mysql:// goes to checks_mysql
def test_a_url_of_another_engine_is_refused_by_name(scheme) -> None:
    error = one_line_error(check_cli("--dsn", f"{scheme}://u:Zq9xWk7@127.0.0.1:1/db"))
    assert f"a {scheme}:// URL" in error and "Zq9xWk7" not in error


def test_list_only_and_skip_choose_from_the_catalogue(database) -> None:
    from playbooks import checks

    listed = check_cli("--list")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        c.name for c in checks.CHECKS
    ]
    url, conn = database
    conn.execute("CREATE TABLE heap_only (v int)")
    only = json.loads(
        check_cli("--dsn", url, "--only", "tables-without-primary-key", "--format", "json").stdout
    )
    assert only["checks"] == ["tables-without-primary-key"] and len(only["findings"]) == 1
    skipped = json.loads(
        check_cli("--dsn", url, "--skip", "tables-without-primary-key", "--format", "json").stdout
    )
    assert "tables-without-primary-key" not in skipped["checks"] and skipped["findings"] == []
    assert "unknown check(s) nope" in one_line_error(check_cli("--dsn", url, "--only", "nope"))
    error = one_line_error(check_cli("--dsn", url, "--min-stats-age", "-1"))
    assert "--min-stats-age" in error


def test_the_json_output_has_the_documented_fields(database) -> None:
    """docs/checks.md documents these fields; the test reads them from the page."""
    from playbooks import paths

    page = (paths.DOCS / "checks.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)` \|", page, re.M))
    url, conn = database
    conn.execute("CREATE TABLE heap_only (v int)")
    document = json.loads(check_cli("--dsn", url, "--format", "json").stdout)
    fields = set(document) | set(document["server"]) | set(document["findings"][0])
    assert fields == documented, fields ^ documented


def test_the_readme_transcript_of_check_is_what_check_prints(database) -> None:
    """The README's finding, planted: its lines (host and version aside) are the CLI's own."""
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    shown = re.search(r"^\$ playbook check .*\n((?:[^$].*\n)+?)(?=\$ )", readme, re.M)[1]
    url, conn = database
    conn.execute(
        "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);"
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        " customer_id bigint NOT NULL REFERENCES customers (id));"
        "INSERT INTO customers SELECT FROM generate_series(1, 1000);"
        "INSERT INTO orders (customer_id) SELECT 1 + i % 1000 FROM generate_series(1, 200000) i;"
        "SELECT pg_stat_force_next_flush();"
    )
    conn.execute("ANALYZE")
    printed = check_cli("--dsn", url, "--fail-on", "warning", env={"COLUMNS": "100"})
    assert printed.returncode == 1
    first, *findings = shown.splitlines()
    assert first.startswith("checked PostgreSQL ") and first.endswith(", user auditor")
    real = printed.stdout.splitlines()[1:]
    assert findings == real, "\n".join(real)


@pytest.fixture
def clear_text_asker(one_connection_server):
    """(port, what the client sent) of a server that refuses TLS, then answers the startup
    message by asking for the password in clear text (AuthenticationCleartextPassword): what a
    man in the middle would do."""
    import socket

    received: list[bytes] = []

    def talk(conn: socket.socket) -> None:
        first = conn.recv(8, socket.MSG_WAITALL)
        if first[4:] in (b"\x04\xd2\x16\x2f", b"\x04\xd2\x16\x30"):  # SSL or GSS request
            conn.sendall(b"N")
            first = conn.recv(4, socket.MSG_WAITALL)
        length = int.from_bytes(first[:4], "big")
        received.append(conn.recv(length - len(first), socket.MSG_WAITALL))  # startup
        conn.sendall(b"R" + (8).to_bytes(4, "big") + (3).to_bytes(4, "big"))
        received.append(conn.recv(256))  # a PasswordMessage ('p'), if the client sends it

    return one_connection_server(talk), received


def test_a_server_that_asks_for_the_password_in_clear_text_does_not_get_it(
    clear_text_asker,
) -> None:
    port, received = clear_text_asker
    result = check_cli("--dsn", f"postgresql://app:Zq9xWk7secret@127.0.0.1:{port}/shop")
    assert received and b"app" in received[0]  # it did send its startup message
    assert not any(b"Zq9xWk7secret" in packet for packet in received), received
    error = one_line_error(result)
    assert "requested a cleartext password" in error and "sslmode=verify-full" in error
    assert "Zq9xWk7" not in error


def test_psycopg_on_a_libpq_older_than_16_connects_nowhere_it_could_send_the_password(
    clear_text_asker,
) -> None:
    """psycopg's pure-Python build uses this machine's libpq (Debian 12: 15), which knows no
    require_auth and would answer the server above with the password: the check refuses to
    connect at all, and says how to go on."""
    import socket

    port, received = clear_text_asker
    dsn = f"postgresql://app:Zq9xWk7secret@127.0.0.1:{port}/shop"
    error = one_line_error(check_cli("--dsn", dsn, env={"PSYCOPG_IMPL": "python"}))
    assert "this libpq (15." in error and "require_auth needs libpq 16" in error
    assert "sslmode=verify-full" in error and "PSYCOPG_IMPL=binary" in error
    assert received == []  # it never connected
    socket.create_connection(("127.0.0.1", port)).close()  # lets the fake server's accept go
    page = " ".join((paths.DOCS / "checks.md").read_text().split())
    assert (
        "With a libpq older than 16 the check connects nowhere unless `sslmode=verify-full`" in page
    )


def test_a_require_auth_of_ones_own_wins(clear_text_asker) -> None:
    port, received = clear_text_asker
    dsn = f"postgresql://app:Zq9xWk7secret@127.0.0.1:{port}/shop?require_auth=password"
    one_line_error(check_cli("--dsn", dsn))
    assert any(b"Zq9xWk7secret" in packet for packet in received), received  # as asked


def test_a_borrowed_server_does_not_get_the_password_in_clear_text_either(
    clear_text_asker, monkeypatch
) -> None:
    """A server named by DBARCH_POSTGRES_URL (which the sandbox borrows) is reached the same way;
    a parameter of that URL it could not honour, such as sslmode, is refused by name."""
    from playbooks import engines
    from playbooks.engines.readiness import connect

    port, received = clear_text_asker
    monkeypatch.setenv("DBARCH_POSTGRES_URL", f"postgresql://app:Zq9xWk7secret@127.0.0.1:{port}/")
    server = engines.start("postgres")
    with pytest.raises(psycopg.OperationalError, match="requested a cleartext password"):
        connect(server)
    assert received and not any(b"Zq9xWk7secret" in packet for packet in received), received
    monkeypatch.setenv(
        "DBARCH_POSTGRES_URL", "postgresql://app:Zq9xWk7secret@127.0.0.1:1/?sslmode=verify-full"
    )
    with pytest.raises(engines.EngineUnavailable, match=r"\(sslmode\) are not supported") as e:
        engines.start("postgres")
    assert "Zq9xWk7" not in str(e.value)
