"""Starting and stopping a local server process that cannot outlive the process that started it."""

from __future__ import annotations

import ctypes
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_TMP_PREFIX = "dbarch-"


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a server about to start, below the kernel's ephemeral
    range when there is room. A port from that range, free when it is chosen, can be handed to
    any outgoing connection, or any bind to port 0, before the server binds it; below the range
    only an explicit bind takes a port. (The Patroni cluster retries when a port was taken: it
    met that race.)"""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 1024
    below = range(1024, low)
    for port in [*random.sample(below, min(50, len(below))), 0]:  # 0: the kernel's choice
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free TCP port on 127.0.0.1")


def new_password() -> str:
    """A random password for one throwaway server (URL-safe: it goes into URLs unquoted)."""
    return secrets.token_urlsafe(24)


def write_private(path: Path, text: str, owner: pwd.struct_passwd | None) -> Path:
    """`text` in a file only its owner can read (for passwords and configurations holding one)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return path


def service_user(name: str) -> pwd.struct_passwd | None:
    """The unprivileged account to run a server as when we are root, else None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(name)
    except KeyError as e:
        raise RuntimeError(
            f"running as root, and there is no '{name}' user to run the server as"
        ) from e


def make_workdir(engine: str, owner: pwd.struct_passwd | None) -> Path:
    """A fresh temp dir for one server; stale ones left by killed runs are removed first."""
    _remove_stale_workdirs()
    path = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{engine}-"))
    (path / "owner.pid").write_text(str(os.getpid()))
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return path


def _remove_stale_workdirs() -> None:
    for d in Path(tempfile.gettempdir()).glob(f"{_TMP_PREFIX}*"):
        try:
            owner = int((d / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if not pid_alive(owner):
            shutil.rmtree(d, ignore_errors=True)


def _child_setup(user: pwd.struct_passwd | None, death_signal: int) -> Callable[[], None]:
    def setup() -> None:
        os.setsid()  # Ctrl-C in the terminal reaches the test runner, not the server
        if user is not None:
            os.setgid(user.pw_gid)
            os.initgroups(user.pw_name, user.pw_gid)
            os.setuid(user.pw_uid)
        # After the uid change: the kernel clears the parent-death signal on credential changes.
        # If the runner dies, even by SIGKILL, the kernel sends this signal to the server.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, death_signal)

    return setup


def run(
    argv: list[str],
    user: pwd.struct_passwd | None,
    cwd: Path,
    env: dict | None = None,
    input: str | None = None,
) -> None:
    """Run a set-up command (initdb, mariadb-install-db) as `user`; raise with its output on failure."""
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env=_env(user, env),
        input=input,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_child_setup(user, signal.SIGKILL),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}):\n{proc.stdout[-2000:]}")


def spawn(
    argv: list[str],
    user: pwd.struct_passwd | None,
    cwd: Path,
    log: Path,
    death_signal: int = signal.SIGKILL,
    env: dict | None = None,
) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            argv,
            cwd=cwd,
            env=_env(user, env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_child_setup(user, death_signal),
        )


def _env(user: pwd.struct_passwd | None, extra: dict | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "MYSQL"))}
    env.update({"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    if user is not None:
        env.update({"HOME": user.pw_dir, "USER": user.pw_name, "LOGNAME": user.pw_name})
    env.update(extra or {})
    return env


def wait_until(
    ready: Callable[[], bool], proc: subprocess.Popen, log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{_tail(log)}")
        if ready():
            return
        time.sleep(0.02)
    raise RuntimeError(f"server not ready after {timeout:.0f}s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-2000:]
    except OSError:
        return "(no log)"


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def pid_alive(pid: int) -> bool:
    """True for a running process; a zombie counts as gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
