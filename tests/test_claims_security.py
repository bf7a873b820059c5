"""The claims of docs/operations/security.md, on servers of their own.

One PostgreSQL is started for the module with the page's security settings
(snippets/postgres/security/postgresql.conf and pg_hba.conf) and the certificates that
snippets/postgres/security/make-certs.sh makes: TLS on, SCRAM only, no connection without TLS,
pgaudit loaded. One MariaDB is started with the same certificates. Each is this machine's
(PostgreSQL 15, MariaDB 10.11), or under `--engine-versions postgres:N` or `mariadb:N` (the
matrix runs this module on every version; MySQL serves the MariaDB tests in its row) a container
of that version. They listen on loopback, live in temp dirs (or their container), and are
stopped (and their dirs removed) in `finally`.

Snippets are replayed with the example runner's executor as the database superuser; the claims
about who may do what are then checked with real logins of the roles they create, over TLS
with sslmode=verify-full. libpq is exercised twice: psycopg's own (the driver's wheel) and the
system's libpq 15 through psql.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pexpect
import psycopg
import pymysql
import pytest

from playbooks import paths
from playbooks.checklist import phases
from playbooks.engines import EngineUnavailable, Server, containers, images, start_local, track
from playbooks.engines import mariadb as mariadb_engine
from playbooks.engines import postgres as postgres_engine
from playbooks.engines._local import postgres_bindir
from playbooks.engines._process import make_workdir, new_password, service_user
from playbooks.replay import replay, replay_code, replay_until_error, scalar, wait_for
from playbooks.terminal import and_list
from playbooks.testing.options import record_engine, served, unavailable

# One worker runs the whole module under xdist: its servers start once.
pytestmark = pytest.mark.xdist_group("security")

# The configuration files the page shows, which the servers below are started from.
CONF = paths.SNIPPETS / "postgres/security/postgresql.conf"
HBA = paths.SNIPPETS / "postgres/security/pg_hba.conf"
MAKE_CERTS = paths.SNIPPETS / "postgres/security/make-certs.sh"
SERVICE = paths.SNIPPETS / "postgres/security/pg_service.conf"
WAIT = 20.0  # seconds: every wait below is bounded by this, generous for a loaded machine
PAGE = paths.DOCS / "operations" / "security.md"
# Per PostgreSQL major version of the matrix, the pgaudit the page names.
PGAUDIT = {15: "1.7", 17: "17.1", 18: "18.0"}


# --- servers -------------------------------------------------------------------------------


def settings_of(conf: Path) -> dict[str, str]:
    """`name = value` lines of a postgresql.conf, comments and quotes removed."""
    found = {}
    for line in conf.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, value = (part.strip() for part in line.split("=", 1))
            found[name] = value.strip("'")
    return found


def _own(directory: Path, user: Any) -> None:
    if user is not None:
        for path in [directory, *directory.iterdir()]:
            os.chown(path, user.pw_uid, user.pw_gid)


def make_certs(directory: Path) -> None:
    subprocess.run(
        ["sh", str(MAKE_CERTS)],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def tls(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A directory (owned by the server's user) holding the CA, the server's certificate and
    key made by make-certs.sh, and the page's pg_hba.conf."""
    if postgres_bindir() is None:
        unavailable(request.config, "postgres", "no local PostgreSQL binaries (initdb)")
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True, check=True)
    record_engine(request.config, "openssl", openssl.stdout.split()[1])
    user = service_user("postgres")
    work = make_workdir("security", user)
    try:
        make_certs(work)
        shutil.copy(HBA, work / "pg_hba.conf")
        _own(work, user)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


# The files the server reads from the certificates' directory.
SERVER_FILES = ("server.crt", "server.key", "pg_hba.conf")


@pytest.fixture(scope="module")
def secure_pg(request: pytest.FixtureRequest, tls: Path) -> Iterator[Server]:
    """A PostgreSQL started with the page's postgresql.conf settings and pg_hba.conf (file
    names resolved in the certificates' directory): of this machine's binaries, or under
    `--engine-versions postgres:N` (as the matrix runs this module) in a container of that
    version, which gets copies of the files (install() copies them again when a test changes
    one)."""
    version = served(request.config, "postgres")[1]
    settings = settings_of(CONF)
    where = Path(containers.FILES) if version else tls
    for name in ("ssl_cert_file", "ssl_key_file"):
        settings[name] = str(where / settings[name])
    settings["hba_file"] = str(where / "pg_hba.conf")
    if version:
        files = {n: (tls / n).read_text() for n in SERVER_FILES}
        try:
            server = track(containers.start("postgres", version, extra=settings, files=files))
        except EngineUnavailable as e:
            unavailable(request.config, "postgres", f"postgres {version}: {e}")
    else:
        saved = postgres_engine.SETTINGS
        postgres_engine.SETTINGS = {**saved, **settings}
        try:
            server = start_local("postgres")
        finally:
            postgres_engine.SETTINGS = saved
    try:
        with psycopg.connect(server.url("postgres")) as conn:
            version = "SELECT default_version FROM pg_available_extensions WHERE name = 'pgaudit'"
            record_engine(request.config, "pgaudit", scalar(conn, version), server.origin)
        yield server
    finally:
        server.stop()


_names = itertools.count(1)


@pytest.fixture(scope="module")
def database(secure_pg: Server) -> Iterator[str]:
    """One database for the module's PostgreSQL tests (a clone costs half a second here)."""
    name = f"sec_{next(_names)}"
    with psycopg.connect(secure_pg.url("postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield name


@pytest.fixture
def db(secure_pg: Server, database: str) -> Iterator[tuple[str, Any]]:
    """(name, superuser connection) of the module's database, left as it was found: every
    role a test made (roles are the server's, not the database's) and all it owns, dropped."""
    conn = psycopg.connect(secure_pg.url(database), autocommit=True)
    try:
        yield database, conn
    finally:
        conn.close()
        with psycopg.connect(secure_pg.url(database), autocommit=True) as admin:
            for (role,) in admin.execute(
                "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> 'postgres'"
            ).fetchall():
                admin.execute(f"DROP OWNED BY {role} CASCADE")
                admin.execute(f"DROP ROLE {role}")


def dsn(server: Server, tls: Path, **params: Any) -> str:
    """A libpq connection string to `server`: verify-full against the page's CA by default."""
    base: dict[str, Any] = {
        "host": "localhost",
        "port": server.port,
        "dbname": "postgres",
        "sslmode": "verify-full",
        "sslrootcert": tls / "ca.crt",
        "connect_timeout": 10,
    }
    base.update(params)
    return " ".join(f"{k}={v}" for k, v in base.items() if v is not None)


def login(server: Server, tls: Path, role: str, password: str, **params: Any) -> Any:
    return psycopg.connect(
        dsn(server, tls, user=role, password=password, **params), autocommit=True
    )


def set_password(conn: Any, role: str) -> str:
    password = new_password()
    conn.execute(f"ALTER ROLE {role} PASSWORD '{password}'")
    return password


def psql_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the PG* variables the suite set, plus `env`."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PG")}, **(env or {})}


def psql(conninfo: str, env: dict[str, str] | None = None, sql: str = "SELECT 1") -> Any:
    """The system's psql (libpq 15), no psqlrc, never prompting for a password."""
    return subprocess.run(
        ["psql", "-X", "-w", "-At", "-c", sql, conninfo],
        env=psql_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def server_log(server: Server, conn: Any) -> Callable[[], str]:
    """A function that reads the server's output so far: for a local server, the log the
    engine module writes beside its data dir; for one in a container, the container's."""
    if server.origin == "container":
        return lambda: containers.logs(server)
    path = Path(scalar(conn, "SHOW data_directory")).parent / "postgres.log"
    return path.read_text


def install(server: Server, tls: Path, name: str) -> None:
    """After a test changed the file `name` in the certificates' directory: a server in a
    container gets the new copy (a local server reads that directory itself)."""
    if server.origin == "container":
        subprocess.run(
            [
                *containers.exec_argv(server, stdin=True),
                "sh",
                "-c",
                f"cat > {containers.FILES}/{name}",
            ],
            input=(tls / name).read_bytes(),
            check=True,
            capture_output=True,
            timeout=60,
        )


# --- the checklist -------------------------------------------------------------------------


@pytest.fixture
def security():
    (phase,) = [p for p in phases() if p.name == "security"]
    return phase


def test_the_matrix_runs_these_claims_on_each_version_the_page_names(matrix_tests):
    """`make test-matrix` runs this module on each PostgreSQL, MariaDB and MySQL of the matrix,
    as `make test` runs it on this machine's: the versions the page says the claims were
    checked on."""
    assert f"tests/{Path(__file__).name}" in matrix_tests
    assert sorted(images.VERSIONS["postgres"], key=int) == [str(v) for v in PGAUDIT]
    assert sorted(images.VERSIONS["mariadb"]) == ["10.11", "11.8"]
    assert sorted(images.VERSIONS["mysql"]) == ["9.7"]
    text = " ".join(PAGE.read_text().split())
    assert (
        f"checked on PostgreSQL 15, 17 and 18 (with pgaudit {and_list(PGAUDIT.values())})" in text
    )
    assert "the MariaDB ones on MariaDB 10.11 and 11.8 and on MySQL 9.7" in text


def test_the_checklist_is_a_playbook_of_one_line_items_with_reasons(security):
    assert security.page == "operations/security.md"
    assert security.title == "Security"
    lines = (paths.DOCS / security.page).read_text().splitlines()
    assert security.checklists == [
        "Checklist: roles and privileges",
        "Checklist: row-level security",
        "Checklist: passwords and TLS",
        "Checklist: audit and secrets",
        "Checklist: MariaDB",
    ]
    assert len(security.items) == 20
    # `playbook list` shows the numbered phases first, then this page
    found = phases()
    numbered = [i for i, p in enumerate(found) if p.title.startswith("Phase ")]
    assert len(numbered) == 7 and max(numbered) < [p.name for p in found].index("security")
    for item in security.items:
        assert item.action and item.why.endswith("."), item
        assert lines[item.line - 1] == f"- [ ] {item.action} — {item.why}", item


def test_playbook_run_walks_the_security_checklist(security, tmp_path):
    import sys

    first, last = security.items[0], security.items[-1]
    answers = tmp_path / "answers.yaml"
    answers.write_text(f'"{first.action}": done\n"{last.action}": not applicable\n')
    cli = [sys.executable, "-m", "playbooks.cli"]
    where = ["--dir", str(tmp_path / "runs")]
    ran = subprocess.run(
        [*cli, "run", "security", "--answers", str(answers), *where],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 1, ran.stderr  # saved; items still open
    assert f"open: {security.items[1].action}" in ran.stdout
    report = subprocess.run(
        [*cli, "report", "security", *where], capture_output=True, text=True, timeout=60
    )
    assert "**1 done, 0 not yet, 1 not applicable, 18 unanswered** of 20 items." in report.stdout
    assert f"- [x] {first.text} (**done**" in report.stdout


# --- roles and least privilege -------------------------------------------------------------


def test_default_privileges_cover_a_table_created_later(secure_pg, tls, db):
    name, conn = db
    done = replay(conn, "postgres/security/roles.sql")
    assert done.rows("SELECT customer, amount FROM shop.invoices") == [[("ada", 120)]]
    # Nobody granted anything on shop.invoices: the default privileges did, as it was created.
    acl = scalar(conn, "SELECT relacl::text FROM pg_class WHERE oid = 'shop.invoices'::regclass")
    assert "shop_reader=r/shop_owner" in acl and "shop_app=arwd/shop_owner" in acl
    assert scalar(conn, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'shop_owner'") is False
    # The same, logged in over TLS as the roles themselves.
    reader = set_password(conn, "shop_reader")
    app = set_password(conn, "shop_app")
    # Default privileges are FOR ROLE shop_owner: a table someone else creates gets none.
    conn.execute("CREATE TABLE shop.made_by_postgres (id int)")
    with login(secure_pg, tls, "shop_reader", reader, dbname=name) as r:
        assert r.execute("SELECT count(*) FROM shop.invoices").fetchone() == (1,)
        for write in (  # read-only: no row changed, no structure made, in any schema
            "INSERT INTO shop.invoices (customer, amount) VALUES ('eve', 1)",
            "UPDATE shop.invoices SET amount = 0",
            "DELETE FROM shop.invoices",
            "TRUNCATE shop.invoices",
            "CREATE TABLE shop.t (id int)",
            "CREATE TABLE public.t (id int)",
            "SELECT count(*) FROM shop.made_by_postgres",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                r.execute(write)
        assert r.execute("SELECT count(*) FROM shop.invoices").fetchone() == (1,)
    with login(secure_pg, tls, "shop_app", app, dbname=name) as a:
        a.execute("INSERT INTO shop.invoices (customer, amount) VALUES ('bob', 5)")
        a.execute("UPDATE shop.invoices SET amount = 6 WHERE customer = 'bob'")
        a.execute("DELETE FROM shop.invoices WHERE customer = 'bob'")
        # DML only: no structure, in its schema or in public
        for ddl in (
            "CREATE TABLE shop.t (id int)",
            "ALTER TABLE shop.invoices ADD COLUMN note text",
            "DROP TABLE shop.invoices",
            "TRUNCATE shop.invoices",
            "CREATE TABLE public.t (id int)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                a.execute(ddl)


def test_without_default_privileges_a_later_table_is_not_readable(db):
    _, conn = db
    replay(conn, "postgres/security/roles.sql")
    replay_until_error(
        conn,
        "postgres/security/no-default-privileges.sql",
        psycopg.errors.InsufficientPrivilege,
        "permission denied for table invoices_2024",
    )


def test_since_15_a_plain_role_cannot_create_in_public(db):
    _, conn = db
    assert int(scalar(conn, "SHOW server_version_num")) >= 150000
    replay(conn, "postgres/security/roles.sql")
    done = replay_until_error(
        conn,
        "postgres/security/public-schema.sql",
        psycopg.errors.InsufficientPrivilege,
        "schema public",
    )
    conn.execute("RESET ROLE")
    acl = ["pg_database_owner=UC/pg_database_owner", "=U/pg_database_owner"]
    assert done.selected() == [[("pg_database_owner", acl)]]
    # The grant older versions made: the query shows =UC, anyone creates; the REVOKE ends it.
    conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    try:
        old = done.results[0][0]
        assert "=UC/pg_database_owner" in conn.execute(old).fetchone()[1]
        conn.execute("SET ROLE shop_app")
        conn.execute("CREATE TABLE public.scratch (id int)")
        conn.execute("RESET ROLE")
        conn.execute("DROP TABLE public.scratch")
    finally:
        conn.execute("RESET ROLE")
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    conn.execute("SET ROLE shop_app")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("CREATE TABLE public.scratch (id int)")
    conn.execute("RESET ROLE")


def test_pg_monitor_sees_every_query_but_no_data(secure_pg, tls, db):
    name, conn = db
    replay(conn, "postgres/security/roles.sql")
    monitor, reader, app = (
        set_password(conn, r) for r in ("shop_monitor", "shop_reader", "shop_app")
    )
    with login(secure_pg, tls, "shop_app", app, dbname=name) as a:
        # An idle session shows its last statement, with the values written into it.
        a.execute("INSERT INTO shop.invoices (customer, amount) VALUES ('Jane Roe', 12.50)")
        pid = a.info.backend_pid
        seen = "SELECT query FROM pg_stat_activity WHERE pid = %s"
        with login(secure_pg, tls, "shop_monitor", monitor, dbname=name) as m:
            assert "VALUES ('Jane Roe', 12.50)" in m.execute(seen, (pid,)).fetchone()[0]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                m.execute("SELECT * FROM shop.invoices")
        with login(secure_pg, tls, "shop_reader", reader, dbname=name) as r:
            assert r.execute(seen, (pid,)).fetchone()[0] == "<insufficient privilege>"


def test_every_role_may_connect_to_a_new_database_until_connect_is_revoked(secure_pg, tls, db):
    name, conn = db
    replay(conn, "postgres/security/roles.sql")
    reader = set_password(conn, "shop_reader")
    with login(secure_pg, tls, "shop_reader", reader, dbname=name) as r:
        # PUBLIC holds CONNECT and TEMPORARY on every new database
        r.execute("CREATE TEMPORARY TABLE scratch (id int)")
    conn.execute(f"REVOKE CONNECT, TEMPORARY ON DATABASE {name} FROM PUBLIC")
    try:
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            login(secure_pg, tls, "shop_reader", reader, dbname=name)
        conn.execute(f"GRANT CONNECT ON DATABASE {name} TO shop_reader")
        with login(secure_pg, tls, "shop_reader", reader, dbname=name):
            pass
    finally:  # the module's other tests log in to this database
        conn.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {name} TO PUBLIC")


# --- row-level security --------------------------------------------------------------------


def test_a_tenant_reads_and_writes_only_its_rows(secure_pg, tls, db):
    name, conn = db
    done = replay_until_error(
        conn,
        "postgres/security/rls.sql",
        psycopg.errors.InsufficientPrivilege,
        'new row violates row-level security policy for table "notes"',
    )
    assert done.rows("SELECT tenant_id, body") == [[(1, "tenant 1: first")]]
    conn.execute("RESET ROLE")
    assert scalar(conn, "SELECT count(*) FROM saas.notes WHERE body = 'overwritten'") == 0
    assert scalar(conn, "SELECT count(*) FROM saas.notes") == 3
    # The application's own login, the tenant set per transaction with SET LOCAL (set_config
    # with is_local = true): it does not outlive the transaction.
    password = set_password(conn, "tenant_app")
    with login(secure_pg, tls, "tenant_app", password, dbname=name) as app:
        assert app.execute("SELECT count(*) FROM saas.notes").fetchone() == (0,)  # no tenant set
        with app.transaction():
            app.execute("SELECT set_config('app.tenant_id', '2', true)")
            assert app.execute("SELECT count(*) FROM saas.notes").fetchone() == (2,)
            app.execute("INSERT INTO saas.notes (tenant_id, body) VALUES (2, 'tenant 2: third')")
            gone = app.execute("DELETE FROM saas.notes WHERE tenant_id = 1")
            assert gone.rowcount == 0
        assert app.execute("SELECT count(*) FROM saas.notes").fetchone() == (0,)
        # After the transaction the setting is '' in this session, not NULL: a bare ::int cast
        # would fail, hence nullif in the policy.
        setting = "SELECT current_setting('app.tenant_id', true)"
        assert app.execute(setting).fetchone() == ("",)
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            app.execute("SELECT current_setting('app.tenant_id', true)::int")
        # Moving a row to another tenant is a write of a row the policy refuses.
        with app.transaction():
            app.execute("SET LOCAL app.tenant_id = '2'")
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                app.execute("UPDATE saas.notes SET tenant_id = 1 WHERE body = 'tenant 2: third'")
            raise psycopg.Rollback
        assert app.execute(setting).fetchone() == ("",)  # SET LOCAL ended with it too
        # A plain SET outlives the transaction: on a pooled connection, the next client
        # would see tenant 2's rows.
        with app.transaction():
            app.execute("SET app.tenant_id = '2'")
        assert app.execute("SELECT count(*) FROM saas.notes").fetchone() == (3,)
    assert scalar(conn, "SELECT count(*) FROM saas.notes WHERE tenant_id = 2") == 3


def test_a_plain_view_runs_as_its_owner_and_bypasses_the_policy(secure_pg, tls, db):
    name, conn = db
    replay(conn, "postgres/security/rls.sql", upto=-1)
    conn.execute("RESET ROLE")
    done = replay(conn, "postgres/security/rls-views.sql")
    assert done.selected()[-1] == [("plain", 3), ("security_invoker", 1)]
    conn.execute("RESET ROLE")
    password = set_password(conn, "tenant_app")
    with login(secure_pg, tls, "tenant_app", password, dbname=name) as app:
        app.execute("SET app.tenant_id = '1'")
        # writes too: through the plain view, tenant 1 writes a row of tenant 2
        app.execute("INSERT INTO saas.notes_plain (tenant_id, body) VALUES (2, 'via plain view')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            app.execute("INSERT INTO saas.notes_invoker (tenant_id, body) VALUES (2, 'invoker')")
    assert scalar(conn, "SELECT tenant_id FROM saas.notes WHERE body = 'via plain view'") == 2


def test_the_owner_is_exempt_until_forced_and_bypassrls_sees_all(secure_pg, tls, db):
    name, conn = db
    replay(conn, "postgres/security/rls.sql", upto=-1)
    done = replay(conn, "postgres/security/rls-owner.sql")
    assert done.selected() == [[(3,)], [(0,)], [(3,)]]
    conn.execute("RESET ROLE")
    # a superuser ignores policies, forced or not
    assert scalar(conn, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is True
    assert scalar(conn, "SELECT count(*) FROM saas.notes") == 3
    password = set_password(conn, "tenant_auditor")
    with login(secure_pg, tls, "tenant_auditor", password, dbname=name) as auditor:
        assert auditor.execute("SELECT count(*) FROM saas.notes").fetchone() == (3,)
    # and the owner, forced, sees its tenant's rows only
    conn.execute("SET ROLE tenant_owner")
    conn.execute("SET app.tenant_id = '2'")
    assert scalar(conn, "SELECT count(*) FROM saas.notes") == 2


# --- SCRAM and pg_hba.conf -----------------------------------------------------------------


def test_scram_only_an_md5_hash_cannot_log_in_and_a_wrong_password_is_refused(secure_pg, tls, db):
    name, conn = db
    done = replay(conn, "postgres/security/scram.sql")
    encryption, before, after = done.selected()
    assert encryption == [("scram-sha-256",)]
    assert before[0][0] == "legacy_md5" and re.fullmatch(r"md5[0-9a-f]{11}", before[0][1])
    assert after == [("legacy_md5", "SCRAM-SHA-256$")]
    # the password the snippet gives, stored as an md5 hash: refused by the scram-sha-256 rule
    conn.execute("SET password_encryption = 'md5'")
    conn.execute("ALTER ROLE legacy_md5 PASSWORD 'only-an-example'")
    conn.execute("RESET password_encryption")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        login(secure_pg, tls, "legacy_md5", "only-an-example", dbname=name)
    # set again under scram-sha-256: the same password logs in, a wrong one does not
    conn.execute("ALTER ROLE legacy_md5 PASSWORD 'only-an-example'")
    verifier = scalar(conn, "SELECT rolpassword FROM pg_authid WHERE rolname = 'legacy_md5'")
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    with login(secure_pg, tls, "legacy_md5", "only-an-example", dbname=name) as ok:
        assert ok.execute("SELECT current_user").fetchone() == ("legacy_md5",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        login(secure_pg, tls, "legacy_md5", "only-an-exampl3", dbname=name)
    # A verifier computed by the client (what psql's \\password sends) is stored as given:
    # the password itself never reaches the server, nor its logs.
    verifier = conn.pgconn.encrypt_password(
        b"hashed-on-the-client", b"legacy_md5", b"scram-sha-256"
    )
    assert verifier.startswith(b"SCRAM-SHA-256$4096:")
    conn.execute(f"ALTER ROLE legacy_md5 PASSWORD '{verifier.decode()}'")
    stored = scalar(conn, "SELECT rolpassword FROM pg_authid WHERE rolname = 'legacy_md5'")
    assert stored == verifier.decode()
    login(secure_pg, tls, "legacy_md5", "hashed-on-the-client", dbname=name).close()
    # libpq 15 (psql) agrees
    refused = psql(dsn(secure_pg, tls, user="legacy_md5", dbname=name), {"PGPASSWORD": "nope"})
    assert refused.returncode == 2 and "password authentication failed" in refused.stderr


def test_hba_has_no_trust_or_md5_and_refuses_a_connection_without_tls(secure_pg, tls):
    rules = [
        line.split()
        for line in (HBA).read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {r[-1] for r in rules} == {"peer", "reject", "scram-sha-256"}
    assert [r[0] for r in rules if r[-1] == "scram-sha-256"] == ["hostssl", "hostssl"]
    with psycopg.connect(secure_pg.url("postgres"), autocommit=True) as admin:
        assert scalar(admin, "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL") == 0
        methods = admin.execute("SELECT DISTINCT auth_method FROM pg_hba_file_rules").fetchall()
        assert {m for (m,) in methods} == {"peer", "reject", "scram-sha-256"}
    plain = dsn(secure_pg, tls, host="127.0.0.1", sslmode="disable", user="postgres")
    with pytest.raises(psycopg.OperationalError, match="rejects connection .* no encryption"):
        psycopg.connect(plain, password=secure_pg.password)
    refused = psql(plain, {"PGPASSWORD": secure_pg.password})
    assert refused.returncode == 2 and "no encryption" in refused.stderr
    with psycopg.connect(dsn(secure_pg, tls, user="postgres"), password=secure_pg.password) as c:
        row = c.execute("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert row.fetchone() in {(True, "TLSv1.3"), (True, "TLSv1.2")}


def test_postgresql_18_warns_when_the_example_sets_an_md5_password_and_15_and_17_do_not(
    new_pg_db,
):
    conn = new_pg_db("none")
    warnings: list[tuple[str, str, str]] = []  # a Diagnostic is valid only inside the handler
    conn.add_notice_handler(
        lambda d: (
            d.severity_nonlocalized == "WARNING"
            and warnings.append((d.sqlstate, d.message_primary, d.message_detail))
        )
    )
    try:
        replay(conn, "postgres/security/scram.sql")
        if conn.info.server_version >= 180000:  # switched off, the warning is gone
            conn.execute("SET md5_password_warnings = off")
            conn.execute("SET password_encryption = 'md5'")
            conn.execute("ALTER ROLE legacy_md5 PASSWORD 'only-an-example'")
            conn.execute("RESET password_encryption")
            conn.execute("RESET md5_password_warnings")
    finally:
        conn.execute("DROP ROLE IF EXISTS legacy_md5")
    if conn.info.server_version < 180000:
        assert warnings == []
        return
    # At the CREATE ROLE under md5 only, not when the password is set again under scram.
    assert warnings == [
        (
            "01P01",  # warning_deprecated_feature
            "setting an MD5-encrypted password",
            "MD5 password support is deprecated and will be removed in a future release of "
            "PostgreSQL.",
        )
    ]
    assert scalar(conn, "SHOW md5_password_warnings") == "on"  # the setting that silences it


def test_the_first_matching_hba_line_decides_and_nothing_below_it_is_read(secure_pg, tls):
    hba = tls / "pg_hba.conf"
    page = hba.read_text()
    lines = page.splitlines(keepends=True)
    scram = next(
        i for i, line in enumerate(lines) if line.startswith("hostssl") and "127.0" in line
    )
    trust = "hostssl    all       all   127.0.0.1/32  trust\n"

    def load(text: str) -> None:
        hba.write_text(text)
        install(secure_pg, tls, "pg_hba.conf")
        with psycopg.connect(secure_pg.url("postgres"), autocommit=True) as admin:
            admin.execute("SELECT pg_reload_conf()")

    def wrong_password_gets_in() -> bool:
        try:
            login(secure_pg, tls, "postgres", "not-the-password").close()
            return True
        except psycopg.OperationalError as e:
            assert "password authentication failed" in str(e)
            return False

    assert not wrong_password_gets_in()
    try:
        # A trust line above the page's scram-sha-256 line: it matches first, and lets anyone in.
        load("".join(lines[:scram] + [trust] + lines[scram:]))
        wait_for(wrong_password_gets_in, "the trust line above scram-sha-256 to be loaded", 10)
        # The same line below it is never reached: a failed password does not fall through.
        load("".join(lines[: scram + 1] + [trust] + lines[scram + 1 :]))
        wait_for(lambda: not wrong_password_gets_in(), "the trust line moved below", 10)
    finally:
        load(page)


def test_psqls_password_command_sends_a_verifier_and_never_the_password(secure_pg, tls, db):
    """psql's \\password, typed at a terminal: the server's statement log shows the ALTER ROLE
    psql sent, with a SCRAM verifier in it, and the password typed appears nowhere."""
    name, conn = db
    conn.execute("CREATE ROLE typed_in LOGIN")
    typed = "typed-at-the-prompt"
    conninfo = dsn(secure_pg, tls, user="postgres", dbname=name) + " options='-c log_statement=ddl'"
    # psql prompts on its terminal (/dev/tty), so it runs on a pseudo-terminal here.
    at_terminal = pexpect.spawn(
        "psql",
        ["-X", "-c", "\\password typed_in", conninfo],
        env=psql_env({"PGPASSWORD": secure_pg.password}),
        encoding="utf-8",
        timeout=30,
    )
    try:
        for prompt in ('Enter new password for user "typed_in": ', "Enter it again: "):
            at_terminal.expect_exact(prompt)
            at_terminal.sendline(typed)
        at_terminal.expect(pexpect.EOF)
    finally:
        at_terminal.close(force=True)
    assert at_terminal.exitstatus == 0, at_terminal.before
    log = server_log(secure_pg, conn)
    sent = wait_for(
        lambda: [line for line in log().splitlines() if "typed_in PASSWORD" in line],
        "psql's ALTER ROLE in the statement log",
        WAIT,
    )
    assert re.search(r"ALTER USER typed_in PASSWORD 'SCRAM-SHA-256\$4096:", sent[0]), sent
    assert typed not in log()
    stored = scalar(conn, "SELECT rolpassword FROM pg_authid WHERE rolname = 'typed_in'")
    assert stored.startswith("SCRAM-SHA-256$4096:") and stored in sent[0]
    login(secure_pg, tls, "typed_in", typed, dbname=name).close()


# --- TLS -----------------------------------------------------------------------------------


def connects(conninfo: str, password: str) -> bool | str:
    """True when both libpqs connect; else the (same) error psycopg's libpq gave."""
    try:
        psycopg.connect(conninfo, password=password).close()
        ours = True
    except psycopg.OperationalError as e:
        ours = str(e)
    theirs = psql(conninfo, {"PGPASSWORD": password})
    assert (theirs.returncode == 0) == (ours is True), (ours, theirs.stderr)
    return ours


def test_verify_full_checks_the_name_dialed_and_require_does_not(secure_pg, tls):
    pw = secure_pg.password

    def at(**params: Any) -> bool | str:
        return connects(dsn(secure_pg, tls, user="postgres", **params), pw)

    assert at(host="localhost") is True
    assert at(host="127.0.0.1") is True  # the certificate lists IP:127.0.0.1
    wrong = at(host="wrong.example", hostaddr="127.0.0.1")
    assert wrong is not True and 'does not match host name "wrong.example"' in wrong
    # require (and prefer, libpq's default) encrypt but never check the name
    for mode in ("require", "prefer", None):  # None: no sslmode, libpq's default
        assert at(host="wrong.example", hostaddr="127.0.0.1", sslmode=mode) is True
    # verify-ca checks the chain, not the name
    assert at(host="wrong.example", hostaddr="127.0.0.1", sslmode="verify-ca") is True
    # A client that trusts another CA: both verify modes refuse the server. So does require,
    # because a root certificate file is there (libpq then checks the chain, as verify-ca);
    # with no root certificate file at all, require takes any certificate.
    other = tls / "other"
    other.mkdir()
    try:
        make_certs(other)
        for mode in ("verify-ca", "verify-full", "require"):
            refused = at(sslmode=mode, sslrootcert=other / "ca.crt")
            assert refused is not True and "certificate verify failed" in refused
        # prefer checks the chain as well, and on failure tries again without TLS: refused
        # here by the hostnossl line only
        prefer = at(sslmode="prefer", sslrootcert=other / "ca.crt")
        assert prefer is not True and "certificate verify failed" in prefer
        assert "rejects connection" in prefer and "no encryption" in prefer
        for mode in ("require", "prefer"):
            assert at(sslmode=mode, sslrootcert=other / "absent.crt") is True
        for mode in ("verify-ca", "verify-full"):
            missing = at(sslmode=mode, sslrootcert=other / "absent.crt")
            assert missing is not True and "root certificate file" in missing
        # With no sslrootcert, the file libpq looks for is ~/.postgresql/root.crt: the other
        # CA's certificate there makes require refuse the server; without it, require connects.
        home = other / "home"
        (home / ".postgresql").mkdir(parents=True)
        no_root = dsn(secure_pg, tls, user="postgres", sslmode="require", sslrootcert=None)
        assert psql(no_root, {"PGPASSWORD": pw, "HOME": str(home)}).returncode == 0
        shutil.copy(other / "ca.crt", home / ".postgresql" / "root.crt")
        refused = psql(no_root, {"PGPASSWORD": pw, "HOME": str(home)})
        assert refused.returncode == 2 and "certificate verify failed" in refused.stderr
    finally:
        shutil.rmtree(other)


def test_an_ip_address_verifies_only_when_the_certificate_lists_it(secure_pg, tls):
    """The server's certificate is replaced by one naming localhost only, and reloaded."""
    pw = secure_pg.password
    by_ip = dsn(secure_pg, tls, host="127.0.0.1", user="postgres")
    saved = (tls / "server.crt").read_bytes()
    subprocess.run(
        "openssl req -new -key server.key -subj /CN=localhost -out dns.csr 2>/dev/null && "
        "printf 'subjectAltName = DNS:localhost\\n' > dns.ext && "
        "openssl x509 -req -in dns.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 "
        "-extfile dns.ext -out dns.crt 2>/dev/null",
        shell=True,
        cwd=tls,
        check=True,
        timeout=60,
    )

    def refused() -> str | None:
        try:
            psycopg.connect(by_ip, password=pw).close()
        except psycopg.OperationalError as e:
            return str(e)
        return None

    with psycopg.connect(secure_pg.url("postgres"), autocommit=True) as admin:
        try:
            (tls / "server.crt").write_bytes((tls / "dns.crt").read_bytes())
            install(secure_pg, tls, "server.crt")
            admin.execute("SELECT pg_reload_conf()")
            message = wait_for(refused, "the reloaded certificate without IP:127.0.0.1", WAIT)
            assert 'does not match host name "127.0.0.1"' in message
            assert connects(dsn(secure_pg, tls, host="localhost", user="postgres"), pw) is True
        finally:
            (tls / "server.crt").write_bytes(saved)
            install(secure_pg, tls, "server.crt")
            admin.execute("SELECT pg_reload_conf()")
            wait_for(lambda: refused() is None, "the original certificate back", WAIT)


# --- pgaudit -------------------------------------------------------------------------------


def page_fence(needle: str) -> list[str]:
    """The lines of the page's code block that contains `needle`."""
    from playbooks.examples import page_fences

    page = paths.DOCS / "operations" / "security.md"
    (fence,) = [f for f in page_fences(page, paths.DOCS) if needle in f.body]
    return fence.body.splitlines()


def test_pgaudit_logs_ddl_and_grants_and_redacts_passwords(secure_pg, db):
    _, conn = db
    # first in this session: the page shows these statement numbers
    conn.execute("CREATE TABLE audited_table (id int)")
    conn.execute("CREATE ROLE audited_role")
    conn.execute("GRANT SELECT ON audited_table TO audited_role")
    conn.execute("SELECT * FROM audited_table")  # a read: class READ, not logged here
    conn.execute("ALTER ROLE audited_role PASSWORD 'not-in-the-audit-log'")
    # the server's own statement log has no such care
    conn.execute("SET log_statement = 'ddl'")
    conn.execute("ALTER ROLE audited_role PASSWORD 'in-the-server-log'")
    conn.execute("RESET log_statement")
    assert scalar(conn, "SHOW shared_preload_libraries") == "pgaudit"
    assert scalar(conn, "SHOW pgaudit.log") == "ddl, role"
    available = "SELECT default_version FROM pg_available_extensions WHERE name = 'pgaudit'"
    assert scalar(conn, available) == PGAUDIT[conn.info.server_version // 10000]
    log = server_log(secure_pg, conn)
    pid = conn.info.backend_pid

    def mine() -> list[str]:
        lines = [line for line in log().splitlines() if f"[{pid}]" in line]
        return lines if any("in-the-server-log" in line for line in lines) else []

    lines = wait_for(mine, "the statement log line of the second ALTER ROLE", WAIT)
    audit = [line.split("LOG:  ", 1)[1] for line in lines if "AUDIT: SESSION" in line]
    shown = page_fence("AUDIT: SESSION")
    assert shown == audit[: len(shown)] and len(shown) == 4
    assert [a.split(",")[3:5] for a in audit] == [
        ["DDL", "CREATE TABLE"],
        ["ROLE", "CREATE ROLE"],
        ["ROLE", "GRANT"],
        ["ROLE", "ALTER ROLE"],
        ["ROLE", "ALTER ROLE"],
    ]
    assert not any("audited_table" in a for a in audit[3:])  # the SELECT is not there
    text = "\n".join(lines)
    assert "not-in-the-audit-log" not in text
    assert "PASSWORD <REDACTED>" in audit[3]
    assert "statement: ALTER ROLE audited_role PASSWORD 'in-the-server-log'" in text
    conn.execute("DROP TABLE audited_table")


def test_pgaudit_log_set_per_role(secure_pg, tls, db):
    name, conn = db
    replay(conn, "postgres/security/roles.sql")
    conn.execute("ALTER ROLE shop_app SET pgaudit.log = 'write'")
    password = set_password(conn, "shop_app")
    log = server_log(secure_pg, conn)
    with login(secure_pg, tls, "shop_app", password, dbname=name) as app:
        # The role's value replaces the server's 'ddl, role' for its sessions: not added to it.
        assert scalar(app, "SHOW pgaudit.log") == "write"
        app.execute("INSERT INTO shop.invoices (customer, amount) VALUES ('per-role', 1)")
        app.execute("SELECT count(*) FROM shop.invoices WHERE customer = 'per-role-read'")
        app.execute("UPDATE shop.invoices SET amount = 2 WHERE customer = 'per-role'")
        app.execute("DELETE FROM shop.invoices WHERE customer = 'per-role'")
        pid = app.info.backend_pid

    def mine() -> list[str]:
        found = [ln for ln in log().splitlines() if f"[{pid}]" in ln and "AUDIT" in ln]
        return found if len(found) >= 3 else []

    audit = wait_for(mine, "three WRITE lines of the shop_app session", WAIT)
    assert [a.split("AUDIT: ")[1].split(",")[3:5] for a in audit] == [
        ["WRITE", "INSERT"],
        ["WRITE", "UPDATE"],
        ["WRITE", "DELETE"],
    ]
    assert not any("per-role-read" in a for a in audit)


# --- secrets out of code and URLs ----------------------------------------------------------


def test_libpq_reads_a_0600_password_file_and_ignores_one_others_can_read(
    secure_pg, tls, db, tmp_path
):
    _, conn = db
    replay(conn, "postgres/security/roles.sql")
    password = set_password(conn, "shop_app")
    with psycopg.connect(secure_pg.url("postgres"), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS shop")
        admin.execute("CREATE DATABASE shop")
    try:
        conn.execute("GRANT CONNECT ON DATABASE shop TO shop_app")
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"localhost:*:shop:shop_app:{password}\n")
        service = tmp_path / "pg_service.conf"
        shutil.copy(SERVICE, service)
        env = {
            "PGSERVICEFILE": str(service),
            "PGPASSFILE": str(passfile),
            "PGPORT": str(secure_pg.port),
            "PGSSLROOTCERT": str(tls / "ca.crt"),
        }
        sql = "SELECT current_user, current_database(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        client = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=True)
        assert client.stdout.startswith("psql (PostgreSQL) 15.")  # the system's libpq 15
        passfile.chmod(0o600)
        ok = psql("service=shop", env, sql)
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.strip() == "shop_app|shop|t"
        assert password not in Path(service).read_text()
        # group- or world-readable: libpq 15 warns, ignores the file, and has no password
        for mode in (0o640, 0o604):
            passfile.chmod(mode)
            ignored = psql("service=shop", env, sql)
            assert ignored.returncode == 2
            assert "has group or world access" in ignored.stderr
            assert "no password supplied" in ignored.stderr
        assert stat.S_IMODE(passfile.stat().st_mode) == 0o604
    finally:
        with psycopg.connect(secure_pg.url("postgres"), autocommit=True) as admin:
            admin.execute("DROP DATABASE shop WITH (FORCE)")


def test_a_password_in_a_url_is_in_the_process_list(secure_pg):
    """Any local user reads /proc/PID/cmdline (what ps shows): the URL, password included."""
    url = secure_pg.url("postgres")
    assert secure_pg.password in url
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    proc = subprocess.Popen(
        ["psql", "-X", "-c", "SELECT pg_sleep(30)", url],
        env=clean,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def command_line() -> str:
            with psycopg.connect(url, autocommit=True) as c:
                running = c.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"
                ).fetchone()[0]
            return Path(f"/proc/{proc.pid}/cmdline").read_text() if running else ""

        seen = wait_for(command_line, "psql connected and sleeping", WAIT)
        assert secure_pg.password in seen.replace("\0", " ")
        assert stat.S_IMODE(Path(f"/proc/{proc.pid}/cmdline").stat().st_mode) & 0o004
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


# --- MariaDB -------------------------------------------------------------------------------


SSL_FILES = {"ca": "ca.crt", "cert": "server.crt", "key": "server.key"}  # --ssl-ca=… and so on
TLS_FILES = tuple(SSL_FILES.values())


@pytest.fixture(scope="module")
def secure_mariadb(request: pytest.FixtureRequest, tls: Path) -> Iterator[Server]:
    """A MariaDB with TLS on, from the same certificates: of this machine's binaries, or under
    `--engine-versions mariadb:N` (or `mysql:N`, which serves the MariaDB examples too) in a
    container of that version, which gets copies of the files."""
    engine, version = served(request.config, "mariadb")
    if version:
        options = tuple(f"--ssl-{o}={containers.FILES}/{n}" for o, n in SSL_FILES.items())
        files = {n: (tls / n).read_text() for n in TLS_FILES}
        try:
            server = track(containers.start(engine, version, extra=options, files=files))
        except EngineUnavailable as e:
            unavailable(request.config, "mariadb", f"{engine} {version}: {e}")
        try:
            yield server
        finally:
            server.stop()
        return
    user = service_user("mysql")
    certs = make_workdir("security-mariadb", user)
    try:
        for name in TLS_FILES:
            shutil.copy(tls / name, certs / name)
        _own(certs, user)
        saved = mariadb_engine.SETTINGS
        mariadb_engine.SETTINGS = (
            *saved,
            f"--ssl-ca={certs / 'ca.crt'}",
            f"--ssl-cert={certs / 'server.crt'}",
            f"--ssl-key={certs / 'server.key'}",
        )
        try:
            server = start_local("mariadb")
        except Exception as e:  # noqa: BLE001 - say why, the PostgreSQL tests still run
            unavailable(request.config, "mariadb", f"no local MariaDB with TLS: {e}")
        finally:
            mariadb_engine.SETTINGS = saved
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(certs, ignore_errors=True)


@pytest.fixture
def mdb(secure_mariadb: Server) -> Iterator[tuple[str, Any]]:
    """(database, root connection) on the TLS MariaDB; the database dropped after."""
    name = f"sec_{next(_names)}"
    conn = pymysql.connect(
        host=secure_mariadb.host,
        port=secure_mariadb.port,
        user=secure_mariadb.user,
        password=secure_mariadb.password,
        autocommit=True,
    )
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
        cur.execute(f"USE {name}")
    try:
        yield name, conn
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE {name}")
        conn.close()


def maria_login(server: Server, user: str, password: str, database: str, **kw: Any) -> Any:
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=user,
        password=password,
        database=database,
        autocommit=True,
        **kw,
    )


def unlock(conn: Any, account: str) -> str:
    password = new_password()
    with conn.cursor() as cur:
        cur.execute(f"ALTER USER {account} IDENTIFIED BY %s ACCOUNT UNLOCK", (password,))
    return password


def one(conn: Any, sql: str) -> Any:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_mariadb_roles_act_at_login_only_as_default_roles(secure_mariadb, mdb, examples_collection):
    name, conn = mdb
    version = one(conn, "SELECT version()")[0][0]
    [example] = [
        e
        for e in examples_collection.examples
        if e.source == "docs/operations/security.md" and "shop_reader" in e.code
    ]
    # the page's tab for this server: MariaDB's, or MySQL's when MySQL serves the row
    mysql = secure_mariadb.engine == "mysql"
    shown = example.for_version(secure_mariadb.engine, version.split("-")[0])
    assert shown is not None and ("TO report@" if mysql else "FOR report@") in shown.code
    done = replay_code(conn, shown.code)
    no_default = None if mysql else ""  # MySQL: no row in mysql.default_roles
    assert done.selected()[-1] == (("report", "shop_reader"), ("report_nodefault", no_default))
    # MySQL names a role with its host, and no role with the string NONE (MariaDB: NULL)
    active = "`shop_reader`@`%`" if mysql else "shop_reader"
    one(conn, "INSERT INTO invoices (customer, amount) VALUES ('ada', 120)")
    with maria_login(secure_mariadb, "report", unlock(conn, "report@'127.0.0.1'"), name) as r:
        assert one(r, "SELECT CURRENT_ROLE(), count(*) FROM invoices") == ((active, 1),)
        with pytest.raises(pymysql.err.OperationalError) as denied:
            one(r, "DELETE FROM invoices")
        assert denied.value.args[0] == 1142  # command denied
    nodefault = unlock(conn, "report_nodefault@'127.0.0.1'")
    with pytest.raises(pymysql.err.OperationalError) as denied:  # no right to the database
        maria_login(secure_mariadb, "report_nodefault", nodefault, name)
    assert denied.value.args[0] == 1044
    with maria_login(secure_mariadb, "report_nodefault", nodefault, "") as n:
        assert one(n, "SELECT CURRENT_ROLE()") == (("NONE" if mysql else None,),)
        with pytest.raises(pymysql.err.OperationalError) as denied:
            one(n, f"SELECT count(*) FROM {name}.invoices")
        assert denied.value.args[0] == 1142
        one(n, "SET ROLE shop_reader")
        assert one(n, f"SELECT count(*) FROM {name}.invoices") == ((1,),)
    with pytest.raises(pymysql.err.OperationalError) as locked:
        maria_login(secure_mariadb, "report_locked", "x", name)
    assert locked.value.args[0] == 1045


def test_mariadb_require_ssl_refuses_a_plain_connection(secure_mariadb, tls, mdb):
    name, conn = mdb
    done = replay(conn, "mariadb/security/require-ssl.sql")
    assert "REQUIRE SSL" in done.selected()[-1][0][0]
    password = unlock(conn, "app@'127.0.0.1'")
    with pytest.raises(pymysql.err.OperationalError) as refused:
        maria_login(secure_mariadb, "app", password, "", ssl_disabled=True)
    assert refused.value.args[0] == 1045  # access denied: the account demands TLS
    cipher = "SHOW SESSION STATUS LIKE 'Ssl_cipher'"
    # verified: the page's CA, and the name dialed checked against the certificate
    verified = {"ssl_ca": str(tls / "ca.crt"), "ssl_verify_identity": True}
    with maria_login(secure_mariadb, "app", password, "", **verified) as app:
        assert one(app, cipher)[0][1], "no TLS cipher on a REQUIRE SSL session"
    # an account without REQUIRE SSL still gets in without TLS: the rule is per account
    root = (secure_mariadb, secure_mariadb.user, secure_mariadb.password, name)
    with maria_login(*root, ssl_disabled=True) as plain:
        assert one(plain, cipher)[0][1] == ""
    # PyMySQL 2 given no TLS option tries TLS anyway, verifying nothing (its "preferred")
    with maria_login(*root) as preferred:
        assert one(preferred, cipher)[0][1] != ""
    # The version the page names: PyMySQL's own, not pymysql.__version__ (2.2.x, the version of
    # the MySQLdb interface it imitates).
    assert pymysql.VERSION[:2] == (1, 2)


def test_mariadb_definer_view_filters_on_user_not_current_user(secure_mariadb, mdb):
    name, conn = mdb
    replay(conn, "mariadb/security/tenant-view.sql")
    one(conn, "CREATE SQL SECURITY DEFINER VIEW whoami AS SELECT CURRENT_USER() AS cu, USER() AS u")
    one(conn, "GRANT SELECT ON whoami TO alice@'127.0.0.1'")
    alice = unlock(conn, "alice@'127.0.0.1'")
    with maria_login(secure_mariadb, "alice", alice, name) as a:
        assert one(a, "SELECT owner, body FROM my_notes") == (("alice", "alice: first"),)
        # CURRENT_USER() in the view is the definer (root): alice's filter finds nothing
        assert one(a, "SELECT cu, u FROM whoami") == (("root@127.0.0.1", "alice@127.0.0.1"),)
        assert one(a, "SELECT count(*) FROM my_notes_wrong") == ((0,),)
        assert one(a, "SELECT USER(), CURRENT_USER()") == (("alice@127.0.0.1", "alice@127.0.0.1"),)
        # the table itself is not granted
        with pytest.raises(pymysql.err.OperationalError) as denied:
            one(a, "SELECT count(*) FROM notes")
        assert denied.value.args[0] == 1142
        one(a, "INSERT INTO my_notes (owner, body) VALUES ('alice', 'alice: second')")
        with pytest.raises(pymysql.err.OperationalError) as refused:
            one(a, "INSERT INTO my_notes (owner, body) VALUES ('bob', 'written by alice')")
        assert refused.value.args[0] == 1369  # CHECK OPTION failed
        with a.cursor() as cur:
            assert cur.execute("UPDATE my_notes SET body = 'x' WHERE owner = 'bob'") == 0
    assert one(conn, "SELECT owner, count(*) FROM notes GROUP BY owner ORDER BY owner") == (
        ("alice", 2),
        ("bob", 2),
    )
    assert one(conn, "SELECT count(*) FROM notes WHERE body = 'x'") == ((0,),)
