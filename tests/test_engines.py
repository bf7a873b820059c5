"""The throwaway engines: they start, answer, and never outlive the run that started them."""

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from playbooks import paths
from playbooks.engines import containers
from playbooks.engines._process import free_port, pid_alive
from playbooks.engines.readiness import connect
from playbooks.testing import servers
from playbooks.testing.options import engine_versions

pytest_plugins = ["pytester"]


def _expected(config: pytest.Config, fixture: str, local: str) -> str:
    """The version this run asked for (--engine-versions), or the local binaries' one."""
    return engine_versions(config.getoption("--engine-versions")).get(fixture, ("", local))[1]


def test_a_free_port_is_taken_from_below_the_ephemeral_range() -> None:
    """Servers bind their port a moment after it is chosen; below the ephemeral range no
    outgoing connection of the suite can take it meanwhile."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = {free_port() for _ in range(20)}
    assert len(ports) > 10 and all(1024 <= p < low for p in ports), (low, ports)


def test_postgres_has_the_extensions_the_handbook_uses(new_pg_db, pytestconfig) -> None:
    conn = new_pg_db("none")
    installed = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
    assert {"postgis", "hypopg", "pg_trgm", "btree_gist", "ltree", "citext"} <= installed
    major = conn.execute("SHOW server_version").fetchone()[0].split(".")[0]
    assert major == _expected(pytestconfig, "postgres", "15")


def test_mariadb_is_the_version_asked_for(mariadb_conn, pytestconfig) -> None:
    with mariadb_conn.cursor() as cur:
        cur.execute("SELECT VERSION()")
        assert cur.fetchone()[0].startswith(_expected(pytestconfig, "mariadb", "10.11") + ".")


def test_redis_is_the_version_asked_for(redis_server, pytestconfig) -> None:
    version = connect(redis_server).info("server")["redis_version"]
    assert version.startswith(_expected(pytestconfig, "redis", "7") + ".")


def test_pgbouncer_is_a_version_the_verification_page_names_in_front_of_postgres(
    pgbouncer_server, pgbouncer_url, postgres_server
) -> None:
    import psycopg

    from playbooks.engines import pgbouncer

    major_minor = ".".join(map(str, pgbouncer.major_minor(pgbouncer_server)))
    table = (paths.DOCS / "verification.md").read_text().splitlines()
    (row,) = [line for line in table if line.startswith("| PgBouncer |")]
    postgres_major = postgres_server.version.split(".")[0]  # the pair this run served
    paired = rf"\b{re.escape(major_minor)} in front of (PostgreSQL )?{postgres_major}\b"
    assert re.search(paired, row), row
    with psycopg.connect(pgbouncer_url, prepare_threshold=None) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    assert version == postgres_server.version


def test_a_fresh_database_is_a_copy_of_its_template_not_a_shared_one(new_pg_db) -> None:
    first, second = new_pg_db("sample"), new_pg_db("sample")
    first.execute("DELETE FROM order_items")
    assert second.execute("SELECT count(*) FROM order_items").fetchone()[0] > 0


def _as_nobody(argv: list[str], env: dict[str, str] | None = None) -> str:
    """Run a client as another local user (`nobody`); its output, errors included."""
    base = {"PATH": os.environ["PATH"] + ":/usr/sbin", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(
        ["runuser", "-u", "nobody", "--", *argv],
        env={**base, **(env or {})},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=30,
    )
    return proc.stdout + proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="runuser to another user needs root")
def test_another_local_user_needs_the_password_of_postgres(postgres_server) -> None:
    s = postgres_server
    assert s.password
    psql = ["psql", "-w", "-X", "-At", "-U", s.user, "-d", "postgres", "-c", "SELECT 42"]
    tcp = ["-h", s.host, "-p", str(s.port)]
    # The error names the port, which may well contain "42": look for the refusal, not the digits.
    assert "no password supplied" in _as_nobody([*psql, *tcp])
    wrong = _as_nobody([*psql, *tcp], {"PGPASSWORD": s.password + "x"})
    assert "password authentication failed" in wrong
    assert _as_nobody([*psql, *tcp], {"PGPASSWORD": s.password}).strip() == "42"
    if s.origin != "local":
        return  # a container's sockets are inside the container's own file system
    with connect(s, autocommit=True) as conn:
        socket_dir = conn.execute("SHOW unix_socket_directories").fetchone()[0]
    assert os.stat(socket_dir).st_mode & 0o777 == 0o700
    out = _as_nobody([*psql, "-h", socket_dir, "-p", str(s.port)], {"PGPASSWORD": s.password})
    assert "Permission denied" in out


@pytest.mark.skipif(os.geteuid() != 0, reason="runuser to another user needs root")
def test_another_local_user_needs_the_password_of_mariadb(mariadb_server) -> None:
    s = mariadb_server
    assert s.password
    client = ["mariadb", "--no-defaults", "-N", "-u", s.user, "-e", "SELECT 42"]
    tcp = ["-h", s.host, "-P", str(s.port)]
    assert "Access denied" in _as_nobody([*client, *tcp])
    assert _as_nobody([*client, *tcp], {"MYSQL_PWD": s.password}).strip() == "42"
    if s.origin != "local":
        return  # a container's sockets are inside the container's own file system
    with connect(s) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@socket")
        sock = cur.fetchone()[0]
    assert os.stat(os.path.dirname(sock)).st_mode & 0o777 == 0o700
    out = _as_nobody([*client, "-S", sock], {"MYSQL_PWD": s.password})
    assert "(13)" in out  # EACCES: the socket's directory is closed to other users


def test_a_local_mariadb_keeps_its_temporary_tables_to_itself(mariadb_server) -> None:
    """mariadbd deletes every #sql* file in its tmpdir when it starts: in a shared /tmp, those of
    the servers already running (a query then fails, or a bootstrap dies)."""
    if mariadb_server.origin != "local":
        return  # a container's /tmp is its own
    with connect(mariadb_server) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@tmpdir, @@datadir")
        tmpdir, datadir = cur.fetchone()
    assert os.path.dirname(tmpdir.rstrip("/")) == os.path.dirname(datadir.rstrip("/"))
    assert os.stat(tmpdir).st_mode & 0o777 == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="runuser to another user needs root")
def test_another_local_user_needs_the_password_of_redis(redis_server) -> None:
    s = redis_server
    assert s.password
    cli = ["redis-cli", "--no-auth-warning", "-h", s.host, "-p", str(s.port), "PING"]
    assert "NOAUTH" in _as_nobody(cli)
    assert _as_nobody(cli, {"REDISCLI_AUTH": s.password}).strip() == "PONG"
    if s.origin != "local":
        return  # in a container it runs as the image's redis user, whose uid is the container's
    owner = subprocess.run(["ps", "-o", "user=", "-p", str(s.pids[0])], capture_output=True)
    assert owner.stdout.decode().strip() == "redis"


def test_no_password_is_on_a_command_line(
    postgres_server, mariadb_server, redis_server, pgbouncer_server
) -> None:
    servers = [postgres_server, mariadb_server, redis_server, pgbouncer_server]
    passwords = {s.password for s in servers}
    assert all(passwords)
    for s in servers:
        assert s.password not in s.url(hide_password=True)
        assert s.password in s.url()
    args = subprocess.run(["ps", "-e", "-ww", "-o", "args"], capture_output=True, text=True).stdout
    assert str(postgres_server.port) in args  # the listing holds the servers' command lines
    assert not [p for p in passwords if p in args]


INNER_TEST = """
import json, os, time

def test_hold(postgres_server, mariadb_server, redis_server):
    servers = [postgres_server, mariadb_server, redis_server]
    with open(os.environ["PIDS_FILE"] + ".tmp", "w") as f:
        json.dump([s.pids[0] for s in servers], f)
    os.rename(os.environ["PIDS_FILE"] + ".tmp", os.environ["PIDS_FILE"])
    time.sleep(120)
"""


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "sigkill"])
def test_no_engine_outlives_an_interrupted_run(pytester: pytest.Pytester, how: int) -> None:
    pytester.makeconftest('pytest_plugins = ["playbooks.testing"]\n')
    pytester.makepyfile(test_hold=INNER_TEST)
    pids_file = pytester.path / "pids.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBARCH_")}
    env["PIDS_FILE"] = str(pids_file)
    inner = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_hold.py"],
        cwd=pytester.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(pids_file.exists, inner, 60)
        pids = json.loads(pids_file.read_text())
        assert all(pid_alive(pid) for pid in pids)
        inner.send_signal(how)
        inner.wait(30)
        _wait_for(lambda: not any(pid_alive(pid) for pid in pids), None, 10)
    finally:
        if inner.poll() is None:
            inner.kill()
            inner.wait()


INNER_CONTAINER_TEST = """
import json, os, time
from playbooks.engines import containers

def test_hold(redis_server):
    daemon = containers.daemon()
    state = {"dockerd": daemon.proc.pid, "run_dir": str(daemon.run_dir), "port": redis_server.port}
    with open(os.environ["STATE_FILE"] + ".tmp", "w") as f:
        json.dump(state, f)
    os.rename(os.environ["STATE_FILE"] + ".tmp", os.environ["STATE_FILE"])
    time.sleep(300)
"""


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_no_container_and_no_dockerd_outlive_a_killed_run(pytester: pytest.Pytester) -> None:
    from playbooks.engines import containers, dockerd, images

    if shutil.which("dockerd", path=os.environ["PATH"] + ":/usr/sbin") is None:
        pytest.skip("no dockerd here (scripts/install-engines --matrix installs docker.io)")
    if containers._daemon is not None or os.environ.get("DBARCH_DOCKER_SOCKET"):
        pytest.skip("this run's own dockerd holds the image store; run it without containers")
    if dockerd.data_root().exists():
        with open(dockerd.data_root() / "lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pytest.skip("another run's dockerd holds the image store (one per data root)")
    if images.VERSIONS["redis"].get("8") is None:
        pytest.fail("the matrix lost redis:8, which this test runs")
    pytester.makeconftest('pytest_plugins = ["playbooks.testing"]\n')
    pytester.makepyfile(test_hold=INNER_CONTAINER_TEST)
    state_file = pytester.path / "state.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBARCH_")}
    env["STATE_FILE"] = str(state_file)
    inner = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "test_hold.py"]
        + ["--engine-versions=redis:8", "--require-engines=redis"],
        cwd=pytester.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(state_file.exists, inner, 600)  # may build the image first
        state = json.loads(state_file.read_text())
        assert pid_alive(state["dockerd"])
        assert len(_processes_mentioning(state["run_dir"])) >= 3  # dockerd, containerd, a shim
        server = subprocess.run(["ss", "-Htlnp", f"sport = :{state['port']}"], capture_output=True)
        assert b"redis-server" in server.stdout
        inner.send_signal(signal.SIGKILL)
        inner.wait(30)
        # A process on its way out has no command line left some time before it is a zombie:
        # dockerd's own PID is awaited too.
        _wait_for(lambda: not _processes_mentioning(state["run_dir"]), None, 60)
        _wait_for(lambda: not pid_alive(state["dockerd"]), None, 10)
        server = subprocess.run(["ss", "-Htlnp", f"sport = :{state['port']}"], capture_output=True)
        assert b"redis-server" not in server.stdout
    finally:
        if inner.poll() is None:
            inner.kill()
            inner.wait()


def _wait_for(condition, proc, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"inner run ended early:\n{proc.stdout.read().decode()[-3000:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_stale_work_dirs_of_killed_runs_are_removed_at_the_next_start(tmp_path) -> None:
    from playbooks.engines import _process

    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = Path(_process.make_workdir("redis", None))
    (stale / "owner.pid").write_text(str(dead.pid))
    fresh = _process.make_workdir("redis", None)
    try:
        assert not stale.exists()
    finally:
        (fresh / "owner.pid").unlink()
        fresh.rmdir()


def test_each_engine_gets_its_own_client_and_an_unknown_engine_is_an_error() -> None:
    import neo4j
    import pymongo

    from playbooks import engines
    from playbooks.engines.base import unit

    mongo = connect(engines.Server("mongodb", "127.0.0.1", 1, "u", "p"))
    assert isinstance(mongo, pymongo.MongoClient)  # once, every engine got a Redis client
    mongo.close()
    graph = connect(engines.Server("neo4j", "127.0.0.1", 1, "neo4j", "p"))
    assert isinstance(graph, neo4j.Driver)
    graph.close()
    assert {"postgres", "mariadb", "mysql", "redis", "mongodb", "cassandra", "neo4j"} <= set(
        engines.ENGINES
    )
    with pytest.raises(ValueError, match="unknown engine 'oracle'"):
        unit("oracle")
    with pytest.raises(ValueError, match="unknown engine"):
        engines.start("oracle")


def test_a_version_outside_the_matrix_is_one_line_and_a_usage_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest('pytest_plugins = ["playbooks.testing"]\n')
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--engine-versions=postgres:99"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if "engine-versions" in line]
    assert errors == [
        "ERROR: --engine-versions: postgres:99 is not in the matrix; known: postgres:15, "
        "postgres:17, postgres:18, mariadb:10.11, mariadb:11.8, mysql:9.7, redis:7, redis:8"
    ]


def test_the_matrix_script_refuses_a_version_outside_the_matrix_in_one_line() -> None:
    matrix = [sys.executable, str(Path(__file__).resolve().parents[1] / "scripts" / "matrix")]
    refused = subprocess.run([*matrix, "postgres:99"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "matrix: postgres:99 is not in the matrix; known: postgres:15, postgres:17, "
        "postgres:18, mariadb:10.11, mariadb:11.8, mysql:9.7, redis:7, redis:8"
    ]


def test_an_image_of_an_older_recipe_is_rebuilt() -> None:
    """The image carries a digest of its Dockerfile: add a package to a version and the next
    build replaces the image instead of reusing it."""
    import dataclasses

    from playbooks.engines import images

    img = images.image("postgres", "17")
    fewer = dataclasses.replace(img, packages=img.packages[:-1])

    class Daemon:  # answers `docker image inspect` as dockerd would for an image of `built`
        def __init__(self, built: images.Image) -> None:
            self.label = images.dockerfile(built).split(f"{images.RECIPE_LABEL}=")[1].strip()

        def docker(self, *args: str) -> str:
            return self.label if "Labels" in " ".join(args) else "sha256:0"

    assert images.up_to_date(Daemon(img), img)
    assert not images.up_to_date(Daemon(fewer), img)


def _file_system(path: str) -> str:
    """The type of the file system `path` is on, from the longest mount point above it."""
    mounts = [line.split()[1:3] for line in Path("/proc/self/mounts").read_text().splitlines()]
    return max(
        (
            (point, kind)
            for point, kind in mounts
            if (path + "/").startswith(point.rstrip("/") + "/")
        ),
        key=lambda mount: len(mount[0]),
    )[1]


def test_the_suites_postgresql_keeps_its_files_in_memory(postgres_server) -> None:
    """As the README says: in a container always; locally in /dev/shm when it has room and the
    user set no TMPDIR."""
    with connect(postgres_server, autocommit=True) as conn:
        data = conn.execute("SHOW data_directory").fetchone()[0]
    if postgres_server.origin == "container":
        found = containers.daemon().docker(
            "exec", postgres_server.container, "stat", "-f", "-c", "%T", data
        )
        assert found.strip() == "tmpfs", found
        return
    free = os.statvfs(servers.MEMORY_DIR)
    if os.environ.get("TMPDIR") is None:  # the suite found no room in memory
        assert free.f_bavail * free.f_frsize < servers.MEMORY_ROOM
    if os.environ.get("TMPDIR") == servers.MEMORY_DIR:
        assert _file_system(data) == "tmpfs", data
    assert data.startswith(tempfile.gettempdir() + "/"), data


def test_under_xdist_the_controller_starts_the_one_dockerd_its_workers_share(monkeypatch) -> None:
    """With --engine-versions and -n, each worker starting its own daemon on the one data root
    would wait for another worker's to stop (at the end of the run): the run hung for 10 min.
    The controller starts one before the workers exist and names it in DBARCH_DOCKER_SOCKET."""
    from types import SimpleNamespace

    from playbooks.engines import dockerd
    from playbooks.testing import options

    started, stopped, cleanups = [], [], []
    daemon = SimpleNamespace(socket="/run/x/docker.sock", stop=lambda: stopped.append(1))
    monkeypatch.setattr(dockerd.Dockerd, "start", lambda self: started.append(1) or daemon)
    monkeypatch.delenv("DBARCH_DOCKER_SOCKET", raising=False)

    def config(workers: int | None, worker: bool = False) -> SimpleNamespace:
        c = SimpleNamespace(
            getoption=lambda name, default=None: workers if name == "numprocesses" else default,
            add_cleanup=cleanups.append,
        )
        if worker:
            c.workerinput = {}
        return c

    options._share_one_dockerd(config(None))  # no xdist: the run starts its daemon when needed
    options._share_one_dockerd(config(2, worker=True))  # a worker uses its controller's
    assert started == [] and "DBARCH_DOCKER_SOCKET" not in os.environ
    options._share_one_dockerd(config(2))
    assert started == [1] and os.environ["DBARCH_DOCKER_SOCKET"] == "/run/x/docker.sock"
    options._share_one_dockerd(config(2))  # already named (scripts/matrix): not a second one
    assert started == [1]
    (cleanup,) = cleanups
    cleanup()
    assert stopped == [1] and "DBARCH_DOCKER_SOCKET" not in os.environ
