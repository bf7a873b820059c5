"""A private Docker engine: own socket, own data root, no bridge, no iptables.

The images live in a data root that outlives the run (`DBARCH_DOCKER_ROOT`, default
/var/cache/dbarch/docker) so they are built once. The daemon itself lives only as long as the
process that started it: the kernel sends it SIGTERM when that process dies, even by SIGKILL,
and dockerd then stops its containers and its containerd before exiting.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ._process import pid_alive, spawn

_READY_TIMEOUT = 60


class DockerUnavailable(Exception):
    """No private Docker engine can be started; the message says why."""


def data_root() -> Path:
    return Path(os.environ.get("DBARCH_DOCKER_ROOT", "/var/cache/dbarch/docker"))


class Dockerd:
    """One dockerd on a private socket. `start()` sets DOCKER_HOST for this process."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or data_root()
        self.run_dir: Path | None = None
        self.proc: subprocess.Popen | None = None
        self._lock_fd: int | None = None
        self._old_host: str | None = None
        self._borrowed = False

    @property
    def socket(self) -> Path:
        assert self.run_dir is not None
        return self.run_dir / "docker.sock"

    @classmethod
    def shared(cls) -> Dockerd | None:
        """The daemon a parent process (scripts/matrix) started and named in
        DBARCH_DOCKER_SOCKET, for its pytest runs and their xdist workers; it stops it."""
        socket = os.environ.get("DBARCH_DOCKER_SOCKET")
        if not socket:
            return None
        daemon = cls()
        daemon.run_dir = Path(socket).parent
        if not daemon._answers():
            raise DockerUnavailable(f"no dockerd answers on DBARCH_DOCKER_SOCKET={socket}")
        daemon._borrowed = True
        os.environ["DOCKER_HOST"] = f"unix://{socket}"
        return daemon

    def start(self) -> Dockerd:
        binary = shutil.which("dockerd", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
        if binary is None:
            raise DockerUnavailable("no dockerd (install Debian's docker.io: make engines)")
        if os.geteuid() != 0:
            raise DockerUnavailable("a private dockerd needs root")
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock()
        self.run_dir = Path(tempfile.mkdtemp(prefix="dbarchd-"))
        argv = [
            binary,
            f"--host=unix://{self.socket}",
            f"--data-root={self.root / 'data'}",
            f"--exec-root={self.run_dir / 'exec'}",
            f"--pidfile={self.run_dir / 'docker.pid'}",
            "--bridge=none",
            "--iptables=false",
            "--ip-masq=false",
        ]
        log = self.run_dir / "dockerd.log"
        self.proc = spawn(argv, None, self.run_dir, log, death_signal=signal.SIGTERM)
        (self.root / "dockerd.pid").write_text(str(self.proc.pid))
        deadline = time.monotonic() + _READY_TIMEOUT
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-1500:]
                self.stop()
                raise DockerUnavailable(f"dockerd did not start:\n{tail}")
            time.sleep(0.1)
        self._old_host = os.environ.get("DOCKER_HOST")
        os.environ["DOCKER_HOST"] = f"unix://{self.socket}"
        # Containers of a run that was killed before its daemon could remove them.
        self.docker("container", "prune", "--force")
        return self

    def docker(self, *args: str, input: bytes | None = None) -> str:
        """Run the docker CLI against this daemon; raise with its output on failure."""
        proc = subprocess.run(
            ["docker", "--host", f"unix://{self.socket}", *args],
            input=input,
            capture_output=True,
        )
        if proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip()
            raise RuntimeError(f"docker {' '.join(args[:2])} failed: {err[-1500:]}")
        return proc.stdout.decode(errors="replace")

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        probe = subprocess.run(
            [
                "docker",
                "--host",
                f"unix://{self.socket}",
                "version",
                "--format",
                "{{.Server.Version}}",
            ],
            capture_output=True,
        )
        return probe.returncode == 0

    def _lock(self) -> None:
        """One daemon per data root: wait for another run's daemon, or a dying one, to go."""
        fd = os.open(self.root / "lock", os.O_CREAT | os.O_RDWR, 0o600)
        deadline = time.monotonic() + 600
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise DockerUnavailable(
                        f"another run holds {self.root} for over 10 min"
                    ) from None
                time.sleep(0.5)
        self._lock_fd = fd
        try:
            old = int((self.root / "dockerd.pid").read_text())
        except (OSError, ValueError):
            return
        for _ in range(600):  # a daemon of a killed run may still be stopping its containers
            if not pid_alive(old):
                return
            time.sleep(0.1)
        raise DockerUnavailable(f"the dockerd of an earlier run (pid {old}) is still running")

    def stop(self) -> None:
        if self._borrowed:
            return
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(60)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self.run_dir is not None:
            netns = self.run_dir / "exec" / "netns" / "default"
            if netns.exists():
                subprocess.run(["umount", str(netns)], capture_output=True)
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None
        if self._old_host is None:
            os.environ.pop("DOCKER_HOST", None)
        else:
            os.environ["DOCKER_HOST"] = self._old_host
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
