"""HAProxy, started from the configuration a page shows, in front of a throwaway Patroni cluster.

`start(cfg, backends, credentials)` keeps the page's routing (mode, health check, timings) and
replaces what belongs to this machine: the `bind` address becomes 127.0.0.1 and a free port, and
the page's `server` lines, in order, become the cluster's members — `127.0.0.1:<postgres port>
check port <REST API port>`. HAProxy runs in the foreground with a parent-death signal, as the
postgres user when we are root, in a temp dir removed when it stops.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from . import EngineUnavailable, Server, track
from ._local import _launch
from ._process import free_port, make_workdir, service_user, write_private

_SEARCH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
_BIND = re.compile(r"^(\s*bind\s+)\S+", re.MULTILINE)
_SERVER = re.compile(r"^(\s*server\s+\S+\s+)\S+(.*?check\s+port\s+)\d+", re.MULTILINE)


def binary() -> str | None:
    return shutil.which("haproxy", path=_SEARCH)


def version() -> str:
    found = binary()
    if found is None:
        return ""
    out = subprocess.run([found, "-v"], capture_output=True, text=True).stdout
    # "HAProxy version 2.6.12-1+deb12u3 2025/… - https://haproxy.org/"
    words = out.split()
    return words[2] if len(words) > 2 else ""


def config_for(cfg: str, port: int, backends: list[tuple[int, int]]) -> str:
    """The page's configuration listening on `port`, its servers the (postgres port, API port)
    pairs of `backends`, in order."""
    out, binds = _BIND.subn(rf"\g<1>127.0.0.1:{port}", cfg)
    servers = iter(backends)

    def _member(m: re.Match) -> str:
        try:
            pg_port, api_port = next(servers)
        except StopIteration:
            raise ValueError(
                "the configuration names more servers than there are members"
            ) from None
        return f"{m.group(1)}127.0.0.1:{pg_port}{m.group(2)}{api_port}"

    out, named = _SERVER.subn(_member, out)
    if binds != 1 or named != len(backends):
        raise ValueError(
            f"expected one bind line and {len(backends)} 'server … check port …' lines, "
            f"found {binds} and {named}"
        )
    return out


def start(cfg_path: Path, backends: list[tuple[int, int]], user: str, password: str) -> Server:
    """HAProxy configured by `cfg_path`, routing to `backends`; the Server it returns is the
    address clients use, with the PostgreSQL credentials they log in with."""
    found = binary()
    if found is None:
        raise EngineUnavailable("no local haproxy (not on PATH or in /usr/sbin)")
    owner = service_user("postgres")
    work = make_workdir("haproxy", owner)
    port = free_port()
    write_private(work / "haproxy.cfg", config_for(cfg_path.read_text(), port, backends), owner)
    server = Server("postgres", "127.0.0.1", port, user=user, password=password, product="haproxy")
    # -db: foreground, no daemon. _launch waits until a query through HAProxy is answered.
    _launch(server, [found, "-db", "-f", str(work / "haproxy.cfg")], owner, work, signal.SIGKILL)
    server.version = version()
    return track(server)
