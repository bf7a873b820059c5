"""Engine versions of the matrix in containers, through testcontainers, on a private dockerd.

Host networking only (no bridge, no published ports): the server listens on a free loopback
port given on its command line, and its password reaches it in the environment, never in argv.
The dockerd is started on first use and stopped at exit (or by the kernel, if we are killed).
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import EngineUnavailable, Server, _running, images
from ._process import free_port, new_password
from .base import unit
from .dockerd import Dockerd, DockerUnavailable

_daemon: Dockerd | None = None
_daemon_problem: str | None = None


def daemon() -> Dockerd:
    """The private dockerd of this process, started on first use."""
    global _daemon, _daemon_problem
    if _daemon is None:
        if _daemon_problem is not None:
            raise EngineUnavailable(_daemon_problem)
        try:
            _daemon = Dockerd.shared() or Dockerd().start()
        except DockerUnavailable as e:
            _daemon_problem = str(e).splitlines()[0]
            raise EngineUnavailable(_daemon_problem) from None
    return _daemon


def start(
    engine: str,
    version: str,
    command_for: Callable[[int], tuple[str, list[str]]] | None = None,
    extra: Any = None,
    files: dict[str, str] | None = None,
) -> Server:
    """A server of `engine` at `version` of the matrix; `command_for(port)` gives the user and
    argv it runs as, by default the engine's own container_command, given `extra` settings and
    `files` ({name: text}, written to /tmp/files/NAME: certificates, keys) when there are any.
    The files travel in its environment, as the password does, never on a command line."""
    tag = _built(engine, version)
    names = tuple(files or {})
    if command_for is None and (extra or names):

        def command_for(port: int) -> tuple[str, list[str]]:
            return unit(engine).container_command(port, extra, names)  # type: ignore[call-arg]

    env = {file_env(name): text for name, text in (files or {}).items()}
    return run(engine, tag, command_for or unit(engine).container_command, new_password(), env)


def _built(engine: str, version: str) -> str:
    """The tag of the image of `engine` at `version`, built first when it is missing or old."""
    try:
        img = images.image(engine, version)
    except ValueError as e:
        raise EngineUnavailable(str(e)) from None
    try:
        images.build(daemon(), img)  # reused when it exists
    except RuntimeError as e:
        raise EngineUnavailable(f"no image {img.tag}: {str(e).splitlines()[0]}") from None
    return img.tag


def _docker_container(tag: str) -> Any:
    """testcontainers' container of `tag`, on our dockerd, without its reaper."""
    os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"  # its reaper image needs a registry
    from testcontainers.core.config import testcontainers_config
    from testcontainers.core.container import DockerContainer

    testcontainers_config.ryuk_disabled = True
    daemon()
    return DockerContainer(tag)


def run(
    engine: str,
    tag: str,
    command_for: Callable[[int], tuple[str, list[str]]],
    password: str,
    env: dict[str, str] | None = None,
    port: int = 0,
) -> Server:
    """A server of `engine` from the built image `tag` on `port` (by default a free one):
    `command_for(port)` gives the user and argv it runs as; the password reaches it as
    $DBARCH_PASSWORD, with `env` beside it."""
    engine_unit = unit(engine)
    port = port or free_port()
    user, command = command_for(port)
    container = (
        _docker_container(tag)
        .with_command(command)
        .with_env("DBARCH_PASSWORD", password)
        .with_envs(**(env or {}))
        # A throwaway server's files (under /tmp in every image) in memory, as the suite keeps
        # its local servers' (tests/conftest.py): a matrix row took 135 s instead of 167 s.
        .with_tmpfs_mount("/tmp")
        .with_kwargs(network_mode="host", user=user)
    )
    started = time.monotonic()
    container.start()
    server = Server(engine, "127.0.0.1", port, engine_unit.admin_user, password, "container")
    server._stop = container.stop
    server.container = container.get_wrapped_container().id
    server.image = tag
    try:
        _wait_ready(server, container, engine_unit.start_timeout)
    except BaseException:
        container.stop()
        raise
    server.start_seconds = time.monotonic() - started
    return server


def workbench(
    engine: str, version: str, work: Path, owner: str, host_pids: bool = False
) -> tuple[Server, pwd.struct_passwd]:
    """A container of `engine`'s image at `version` that serves nothing itself: its programs run
    through exec_argv, and the host directory `work` is mounted at the same path in it, owned by
    its user `owner`, so that a test reads, and damages, what they write there. With
    `host_pids`, its processes have this machine's PIDs (a postmaster.pid names one that
    os.kill reaches, a test can stop a WAL sender), and a reaper watching command lines sees
    them. The container (stopped as a server is, at exit at the latest) and `owner`'s IDs."""
    from . import track

    tag = _built(engine, version)
    container = (
        _docker_container(tag)
        .with_command(["sleep", "infinity"])
        .with_volume_mapping(str(work), str(work), "rw")
        .with_kwargs(network_mode="host", **({"pid_mode": "host"} if host_pids else {}))
    )
    container.start()
    server = Server(engine, "127.0.0.1", 0, origin="container", version=version)
    server._stop = container.stop
    server.container = container.get_wrapped_container().id
    server.image = tag
    track(server)
    try:
        ids = [
            int(subprocess.check_output([*exec_argv(server), "id", flag, owner], timeout=60))
            for flag in ("-u", "-g")
        ]
        os.chown(work, *ids)
    except BaseException:
        server.stop()
        raise
    return server, pwd.struct_passwd((owner, "x", *ids, "", "", ""))


def _wait_ready(server: Server, container: object, timeout: float) -> None:
    from .readiness import ready

    wrapped = container.get_wrapped_container()  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while not ready(server):
        wrapped.reload()
        if wrapped.status not in ("created", "running"):
            logs = wrapped.logs().decode(errors="replace")[-1500:]
            raise EngineUnavailable(f"{server.engine} container exited ({wrapped.status}):\n{logs}")
        if time.monotonic() > deadline:
            raise EngineUnavailable(f"{server.engine} container not ready after {timeout:.0f} s")
        time.sleep(0.1)


@atexit.register
def _stop_daemon() -> None:
    """Registered after engines.stop_all, so it runs before it: containers first, then dockerd."""
    global _daemon
    for server in [s for s in _running if s.origin == "container"]:
        server.stop()
    if _daemon is not None:
        _daemon.stop()
        _daemon = None


def file_env(name: str) -> str:
    """The environment variable that carries the file `name` into a server's container."""
    return "DBARCH_FILE_" + re.sub(r"\W", "_", name).upper()


FILES = "/tmp/files"  # where a container's command writes the files start() was given


def write_files(names: tuple[str, ...]) -> str:
    """Shell that writes each file of `names` to FILES/NAME (0600, with the umask 077 every
    engine's command sets) from its variable file_env(NAME), then unsets the variable."""
    if not names:
        return ""
    return f"mkdir {FILES}; " + "".join(
        f'printf %s "${file_env(n)}" > {FILES}/{n}; unset {file_env(n)}; ' for n in names
    )


def logs(server: Server) -> str:
    """What `server`'s container has written to its standard output and error so far."""
    done = subprocess.run(
        [*_docker(server), "logs", server.container],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=True,
        timeout=60,
    )
    return done.stdout.decode(errors="replace")


def exec_argv(
    server: Server,
    env: tuple[str, ...] = (),
    stdin: bool = False,
    user: str = "",
    cwd: Path | None = None,
) -> list[str]:
    """The argv prefix that runs a program inside `server`'s container (`docker exec`), passing
    the named variables of this process's environment (a password, never on a command line),
    and with `stdin`, what is written to its standard input; as `user`, in `cwd`, when given."""
    passed = [arg for name in env for arg in ("-e", name)] + (["-i"] if stdin else [])
    passed += (["-u", user] if user else []) + (["-w", str(cwd)] if cwd else [])
    return [*_docker(server), "exec", *passed, server.container]


def _docker(server: Server) -> list[str]:
    docker = shutil.which("docker")
    if docker is None or not server.container:
        raise EngineUnavailable(f"cannot run a program beside {server.engine}: no docker client")
    return [docker, "-H", f"unix://{daemon().socket}"]
