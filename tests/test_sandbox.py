"""`playbook sandbox`: progress while it loads, and nothing left behind however it ends."""

import io
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import psycopg
import pytest

from playbooks import engines


def sandbox(orders: int, tmp_path: Path, **env: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "playbooks.cli", "sandbox", "--orders", str(orders)],
        cwd=str(tmp_path),
        env={**os.environ, "TERM": "xterm", **env},
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 200),
    )


def gone(path: Path, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_a_closed_terminal_or_sigterm_cleans_up_like_ctrl_c(tmp_path, sig) -> None:
    child = sandbox(300, tmp_path)
    child.expect_exact("loaded orders and order_items in")  # progress, table by table
    child.expect(r"URL:  (postgresql://\S+)")
    with psycopg.connect(child.match.group(1)) as conn:
        data = Path(conn.execute("SHOW data_directory").fetchone()[0])
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        # read while connected: the backend exits with the connection
        postmaster = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    child.expect_exact("Ctrl-C")
    child.kill(sig)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert gone(Path(f"/proc/{postmaster}")), "the sandbox server outlived the command"
    assert gone(data), f"{data} was left behind"


def _databases(server: engines.Server) -> set[str]:
    with psycopg.connect(server.url("postgres")) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}


def test_on_a_server_of_ones_own_it_drops_its_databases_and_hides_the_password(
    tmp_path, postgres_server
) -> None:
    if not postgres_server.password:
        pytest.skip("the test server has no password to hide")
    before = _databases(postgres_server)
    for _ in range(2):  # the second run must work too
        child = sandbox(300, tmp_path, DBARCH_POSTGRES_URL=postgres_server.url())
        child.logfile_read = output = io.StringIO()
        child.expect(r"URL:  (postgresql://\S+)")
        shown = child.match.group(1)
        child.expect_exact("Ctrl-C")
        assert ":***@" in shown
        name = shown.rsplit("/", 1)[1]
        with psycopg.connect(postgres_server.url(name)) as conn:
            assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 300
        assert name in _databases(postgres_server)
        child.sendintr()
        child.expect(pexpect.EOF)
        printed = output.getvalue()
        child.close()
        assert child.exitstatus == 0, printed
        assert postgres_server.password not in printed and "Traceback" not in printed
        assert _databases(postgres_server) == before


def test_after_sigkill_the_server_stops_and_the_next_start_removes_the_temp_dir(
    tmp_path, monkeypatch, request
) -> None:
    """What the README says of `kill -9`: the server dies with the sandbox (parent-death
    signal); its temp dir stays until the next start of a local server, which removes it.
    The sandbox and that next start get a temp dir of their own: a server another test starts
    meanwhile would remove the dir early."""
    own = Path(tempfile.mkdtemp(prefix="sigkill-"))
    request.addfinalizer(lambda: shutil.rmtree(own, ignore_errors=True))
    own.chmod(0o1777)  # like /tmp: the server's user makes its dir there
    monkeypatch.setenv("TMPDIR", str(own))
    monkeypatch.setattr(tempfile, "tempdir", None)  # computed again from TMPDIR
    child = sandbox(300, tmp_path)
    child.expect(r"URL:  (postgresql://\S+)")
    with psycopg.connect(child.match.group(1)) as conn:
        data = Path(conn.execute("SHOW data_directory").fetchone()[0])
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        # read while connected: the backend exits with the connection
        postmaster = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    work = next(p for p in data.parents if (p / "owner.pid").exists())
    child.expect_exact("Ctrl-C")
    child.kill(signal.SIGKILL)
    child.close()
    assert gone(Path(f"/proc/{postmaster}")), "the server outlived a killed sandbox"
    assert work.exists(), "nothing could remove it: the README says it stays"
    assert work.parent == own
    server = engines.start_local("postgres")
    try:
        assert not work.exists(), "the next start removes what a killed run left"
    finally:
        server.stop()
