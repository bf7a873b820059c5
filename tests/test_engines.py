"""The throwaway engines: they start, answer, and never outlive the run that started them."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playbooks.engines._process import pid_alive
from playbooks.engines.readiness import connect

pytest_plugins = ["pytester"]


def test_postgres_has_the_extensions_the_handbook_uses(new_pg_db) -> None:
    conn = new_pg_db("none")
    installed = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
    assert {"postgis", "hypopg", "pg_trgm", "btree_gist", "ltree", "citext"} <= installed
    assert conn.execute("SHOW server_version_num").fetchone()[0].startswith("15")


def test_mariadb_is_10_11(mariadb_conn) -> None:
    with mariadb_conn.cursor() as cur:
        cur.execute("SELECT VERSION()")
        assert cur.fetchone()[0].startswith("10.11.")


def test_redis_is_7(redis_server) -> None:
    assert connect(redis_server).info("server")["redis_version"].startswith("7.")


def test_pgbouncer_is_1_x_in_front_of_postgres(pgbouncer_server, pgbouncer_url) -> None:
    import psycopg

    assert pgbouncer_server.version.startswith("PgBouncer 1.")
    with psycopg.connect(pgbouncer_url, prepare_threshold=None) as conn:
        assert (
            conn.execute("SELECT current_setting('server_version_num')").fetchone()[0][:2] == "15"
        )


def test_a_fresh_database_is_a_copy_of_its_template_not_a_shared_one(new_pg_db) -> None:
    first, second = new_pg_db("sample"), new_pg_db("sample")
    first.execute("DELETE FROM order_items")
    assert second.execute("SELECT count(*) FROM order_items").fetchone()[0] > 0


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
