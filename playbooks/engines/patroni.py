"""A throwaway Patroni cluster (etcd + PostgreSQL members) for the High availability chapter.

`start(members=3)` starts one etcd member and `members` Patroni members, each from the
configuration a page shows (snippets/postgres/high-availability/patroni.yml) with only names, loopback
addresses, directories and passwords replaced, and waits until one member leads and every other
one streams from it. Everything lives in one temp dir (0700, owned by the `postgres` user when we
are root: Patroni launches PostgreSQL, which refuses to run as root) and listens on free loopback
ports.

Stopping, also when the test run is killed:

* etcd and every Patroni process get a parent-death signal (SIGKILL), like the other engines;
* PostgreSQL is not Patroni's child for long: Patroni starts it through a helper that calls
  setsid() and exits, so the postmaster is reparented to init and would outlive a killed run.
  A reaper process (its own session, no parent-death signal) therefore watches the process that
  started the cluster; when that one dies without stopping the cluster, the reaper kills every
  process whose command line names the cluster's directory — Patroni, etcd, each postmaster
  (SIGQUIT, PostgreSQL's immediate shutdown, which ends its backends) — then whatever child of
  those postmasters is left (SIGKILL), and removes the directory. After a normal stop it finds the directory
  gone and exits.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from . import EngineUnavailable, Server, containers
from ._local import postgres_bindir
from ._process import (
    free_port,
    make_workdir,
    new_password,
    pid_alive,
    service_user,
    spawn,
    stop,
    write_private,
)

CONFIG = paths.SNIPPETS / "postgres/high-availability/patroni.yml"
_SEARCH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
# Generous: the machine running the suite is shared and loaded.
START_TIMEOUT = 90.0
# Settings the throwaway members add to the page's (durability is not what these tests measure:
# the OS survives a killed process, so its page cache keeps every write PostgreSQL made).
_FAST = {"fsync": "off", "max_connections": "50", "shared_buffers": "16MB"}


def binaries() -> dict[str, str | None]:
    return {name: shutil.which(name, path=_SEARCH) for name in ("patroni", "etcd")}


def missing() -> str | None:
    """Why this machine cannot start a cluster, or None."""
    absent = [name for name, path in binaries().items() if path is None]
    if postgres_bindir() is None:
        absent.append("PostgreSQL (initdb)")
    return f"not installed: {', '.join(absent)}" if absent else None


def versions(box: Server | None = None) -> dict[str, str]:
    """{"patroni": "3.0.2", "etcd": "3.4.23"}, from the binaries themselves; Patroni's in
    `box`, the workbench container of a cluster of a version of the matrix, when given."""
    found = {}
    for name, path in binaries().items():
        if box is not None and name == "patroni":
            argv = [*containers.exec_argv(box), name, "--version"]
        elif path is not None:
            argv = [path, "--version"]
        else:
            continue
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout
        # "patroni 3.0.2" / "etcd Version: 3.4.23\n…"
        found[name] = out.splitlines()[0].split()[-1] if out.strip() else ""
    return found


@dataclass
class Member:
    name: str
    pg_port: int
    api_port: int
    config: Path
    data: Path
    log: Path
    proc: subprocess.Popen | None = None

    def postmaster_pid(self) -> int | None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if pid_alive(pid) else None

    def api(self, path: str, timeout: float = 2) -> tuple[int, Any]:
        """(HTTP status, JSON body) of a GET on the member's REST API; (0, None) if it is down."""
        url = f"http://127.0.0.1:{self.api_port}/{path}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            body = e.read()
            try:
                return e.code, json.loads(body or b"null")
            except ValueError:
                return e.code, None
        except (OSError, ValueError):
            return 0, None

    def role(self) -> str:
        """The role Patroni reports ("master"/"primary", "replica", …), or "" when down."""
        status, body = self.api("patroni")
        return (body or {}).get("role", "") if status else ""


@dataclass
class Cluster:
    work: Path
    password: str = field(repr=False)
    etcd_port: int = 0
    etcd_peer_port: int = 0
    members: list[Member] = field(default_factory=list)
    etcd: subprocess.Popen | None = None
    reaper: subprocess.Popen | None = None
    _user: Any = field(default=None, repr=False)
    # For a version of the matrix: the workbench container Patroni and PostgreSQL run in (this
    # machine's PIDs, the temp dir mounted at its own path), and that version's programs.
    box: Server | None = None
    bin_dir: str = ""

    # --- addresses ------------------------------------------------------------------------

    def url(self, member: Member, database: str = "postgres") -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{member.pg_port}/{database}"

    def multi_host_url(self, database: str = "postgres", **params: str) -> str:
        """One URL naming every member; libpq tries them in order until one suits
        `target_session_attrs`."""
        hosts = ",".join(f"127.0.0.1:{m.pg_port}" for m in self.members)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"postgresql://postgres:{self.password}@{hosts}/{database}" + (
            f"?{query}" if query else ""
        )

    def member(self, name: str) -> Member:
        return next(m for m in self.members if m.name == name)

    # --- processes ------------------------------------------------------------------------

    def start_etcd(self) -> None:
        binary = binaries()["etcd"]
        assert binary is not None
        client = f"http://127.0.0.1:{self.etcd_port}"
        peer = f"http://127.0.0.1:{self.etcd_peer_port}"
        argv = [
            binary,
            "--name=etcd1",
            f"--data-dir={self.work / 'etcd'}",
            f"--listen-client-urls={client}",
            f"--advertise-client-urls={client}",
            f"--listen-peer-urls={peer}",
            f"--initial-advertise-peer-urls={peer}",
            f"--initial-cluster=etcd1={peer}",
            "--initial-cluster-state=new",
            "--logger=zap",
            "--log-outputs=stderr",
        ]
        self.etcd = spawn(argv, self._user, self.work, self.work / "etcd.log")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.etcd.poll() is not None:
                raise RuntimeError(f"etcd exited:\n{_tail(self.work / 'etcd.log')}")
            try:
                with urllib.request.urlopen(f"{client}/health", timeout=2) as r:
                    if json.loads(r.read()).get("health") == "true":
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"etcd not healthy after {START_TIMEOUT:.0f}s")

    def etcdctl(self, *args: str) -> str:
        """The output of `etcdctl` (v3 API) against the cluster's etcd."""
        binary = shutil.which("etcdctl", path=_SEARCH)
        if binary is None:
            raise EngineUnavailable("etcdctl not installed (Debian package etcd-client)")
        out = subprocess.run(
            [binary, f"--endpoints=127.0.0.1:{self.etcd_port}", "--command-timeout=10s", *args],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "ETCDCTL_API": "3"},
        )
        if out.returncode != 0:
            raise RuntimeError(f"etcdctl {' '.join(args)}: {out.stderr}")
        return out.stdout

    def stop_etcd(self) -> None:
        if self.etcd is not None:
            stop(self.etcd, signal.SIGKILL)
            self.etcd = None

    def start_member(self, member: Member) -> None:
        """Start (or restart) the member's Patroni; it launches and manages PostgreSQL."""
        if self.box is not None:
            inside = containers.exec_argv(self.box, user="postgres", cwd=self.work)
            argv = [*inside, "patroni", str(member.config)]
            member.proc = spawn(argv, None, self.work, member.log)
            return
        binary = binaries()["patroni"]
        assert binary is not None
        member.proc = spawn([binary, str(member.config)], self._user, self.work, member.log)

    def kill(self, member: Member, crash: bool = True) -> None:
        """Stop the member at once. `crash`: as its machine failing would — SIGKILL Patroni,
        the postmaster and every backend, no shutdown checkpoint, no goodbye to clients.
        Otherwise Patroni is killed and PostgreSQL gets an immediate shutdown (SIGQUIT), which
        also removes its shared memory."""
        if member.proc is not None:
            stop(member.proc, signal.SIGKILL)
        for pid in _naming(str(member.config)):  # in a container: not the `docker exec`'s child
            os.kill(pid, signal.SIGKILL)
        pid = member.postmaster_pid()
        if pid is not None:
            # Each child of the postmaster is a session of its own (PostgreSQL calls setsid()
            # in every child): signal them by PID.
            children = _children(pid)
            if crash:
                victims = [(p, signal.SIGKILL) for p in [pid, *children]]
            else:  # a stopped WAL sender (pause_replication) must run to obey the postmaster
                victims = [(p, signal.SIGCONT) for p in children] + [(pid, signal.SIGQUIT)]
            for victim, sig in victims:
                try:
                    os.kill(victim, sig)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 30
        while member.postmaster_pid() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        if member.postmaster_pid() is not None:
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        for member in self.members:
            self.kill(member, crash=False)
        self.stop_etcd()
        if self.box is not None:
            self.box.stop()
        shutil.rmtree(self.work, ignore_errors=True)
        if self.reaper is not None:
            stop(self.reaper, signal.SIGKILL)

    # --- state ----------------------------------------------------------------------------

    def leader(self) -> Member | None:
        """The member whose REST API says it is the leader and runs a writable PostgreSQL."""
        for member in self.members:
            status, _ = member.api("primary")
            if status == 200:
                return member
        return None

    def wait_leader(self, timeout: float = START_TIMEOUT, exclude: tuple[str, ...] = ()) -> Member:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.leader()
            if found is not None and found.name not in exclude:
                return found
            time.sleep(0.1)
        raise TimeoutError(f"no leader after {timeout:.0f}s:\n{self.logs()}")

    def wait_streaming(self, leader: Member, names: list[str], timeout: float) -> None:
        """Until every named member streams from `leader` (seen in its pg_stat_replication)."""
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.members:
                if m.name not in names:
                    continue
                if m.proc is not None and m.proc.poll() is not None:
                    raise RuntimeError(f"Patroni of {m.name} exited:\n{_tail(m.log)}")
                if "address already in use" in _tail(m.log, 10**7).lower():
                    raise RuntimeError(f"{m.name}: a port was taken:\n{_tail(m.log)}")
            try:
                with psycopg.connect(self.url(leader), autocommit=True, connect_timeout=2) as c:
                    rows = c.execute(
                        "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"
                    ).fetchall()
                if set(names) <= {r[0] for r in rows}:
                    return
            except psycopg.OperationalError:
                pass
            time.sleep(0.1)
        raise TimeoutError(
            f"{names} not streaming from {leader.name} after {timeout:.0f}s:\n{self.logs()}"
        )

    def wait_sync_standby(self, leader: Member, timeout: float) -> str:
        """Until `leader` has a synchronous standby, in PostgreSQL and in etcd's `sync` key
        (Patroni writes the key a loop later; a switchover needs it)."""
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self.url(leader), autocommit=True, connect_timeout=2) as c:
                    row = c.execute(
                        "SELECT application_name FROM pg_stat_replication WHERE sync_state = 'sync'"
                    ).fetchone()
                sync = json.loads(self.keys().get("sync", ("{}", 0))[0] or "{}")
                named = str(sync.get("sync_standby") or "").split(",")
                if row and sync.get("leader") == leader.name and row[0] in named:
                    return row[0]
            except (psycopg.OperationalError, RuntimeError, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"no synchronous standby of {leader.name} after {timeout:.0f}s")

    def patch_config(self, member: Member, changes: dict[str, Any]) -> dict:
        """Change the cluster-wide settings kept in etcd, as `patronictl edit-config` does."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{member.api_port}/config",
            data=json.dumps(changes).encode(),
            method="PATCH",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.loads(r.read())

    def pause_replication(self, leader: Member, standbys: list[str] | None = None) -> list[int]:
        """Stop (SIGSTOP) the leader's WAL senders, to the `standbys` named or to all: those
        standbys receive nothing more, as if the network between them had failed, while clients
        still reach the leader. Their PIDs."""
        import psycopg

        sql = "SELECT pid FROM pg_stat_replication"
        sql += "" if standbys is None else " WHERE application_name = ANY(%s)"
        with psycopg.connect(self.url(leader), autocommit=True, connect_timeout=5) as c:
            found = c.execute(sql, None if standbys is None else [standbys]).fetchall()
            pids = [r[0] for r in found]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        # kill() returns before the signal is acted on: wait until each one is stopped (T).
        deadline = time.monotonic() + 10
        while not all(_state(pid) in ("T", "t", "") for pid in pids):
            if time.monotonic() > deadline:
                raise TimeoutError(f"WAL senders {pids} not stopped after 10s")
            time.sleep(0.005)
        return pids

    def keys(self) -> dict[str, tuple[str, int]]:
        """The cluster's keys in etcd: name (after the scope's prefix) → (value, lease ID)."""
        import base64

        prefix = f"/service/{self.work.name}/"
        out = json.loads(self.etcdctl("get", "--prefix", "-w", "json", prefix))
        found = {}
        for kv in out.get("kvs", []):
            key = base64.b64decode(kv["key"]).decode().removeprefix(prefix)
            found[key] = (base64.b64decode(kv.get("value", "")).decode(), kv.get("lease", 0))
        return found

    def logs(self) -> str:
        return "\n".join(f"--- {m.name}:\n{_tail(m.log, 1500)}" for m in self.members)


def start(members: int = 3, synchronous: bool = True, version: str = "") -> Cluster:
    """A running cluster: one leader, every other member streaming from it. Of this machine's
    PostgreSQL and Patroni, or, given a PostgreSQL `version` of the matrix, of the PostgreSQL
    and Patroni in its image (etcd is this machine's).

    A port found free may be taken by another process before etcd, Patroni or PostgreSQL binds
    it (the suite shares the machine): then, and only then, the whole cluster is started once
    more on new ports."""
    if version:
        why = None if binaries()["etcd"] else "not installed: etcd"
    else:
        why = missing()
    if why:
        raise EngineUnavailable(f"patroni: {why}")
    try:
        return _start(members, synchronous, version)
    except _PortTaken:
        return _start(members, synchronous, version)


class _PortTaken(RuntimeError):
    pass


def _start(members: int, synchronous: bool, version: str) -> Cluster:
    import yaml

    if version:
        work = make_workdir("patroni", None)
        box, user = containers.workbench("postgres", version, work, "postgres", host_pids=True)
    else:
        box, user = None, service_user("postgres")
        work = make_workdir("patroni", user)
    cluster = Cluster(work, new_password(), free_port(), free_port(), _user=user, box=box)
    cluster.bin_dir = f"/usr/lib/postgresql/{version}/bin" if version else str(postgres_bindir())
    cluster.reaper = _start_reaper(work)
    try:
        template = yaml.safe_load(CONFIG.read_text())
        replication_password = new_password()
        for i in range(1, members + 1):
            m = Member(
                f"pg{i}",
                free_port(),
                free_port(),
                work / f"pg{i}.yml",
                work / f"pg{i}",
                work / f"pg{i}.log",
            )
            conf = member_config(template, cluster, m, replication_password, synchronous)
            write_private(m.config, yaml.safe_dump(conf, sort_keys=False), user)
            cluster.members.append(m)
        cluster.start_etcd()
        for m in cluster.members:
            cluster.start_member(m)
        leader = cluster.wait_leader()
        others = [m.name for m in cluster.members if m is not leader]
        cluster.wait_streaming(leader, others, START_TIMEOUT)
        if synchronous and others:
            cluster.wait_sync_standby(leader, START_TIMEOUT)
    except (RuntimeError, TimeoutError) as e:
        logs = [work / "etcd.log", *(m.log for m in cluster.members)]
        taken = any("already in use" in _tail(log, 10**7).lower() for log in logs)
        cluster.stop()
        raise (_PortTaken if taken else type(e))(str(e)) from e
    except BaseException:
        cluster.stop()
        raise
    return cluster


def member_config(
    template: dict, cluster: Cluster, m: Member, replication_password: str, synchronous: bool
) -> dict:
    """The page's configuration with this member's name, addresses, directory and passwords."""
    conf = json.loads(json.dumps(template))  # a deep copy
    conf["scope"] = cluster.work.name  # dbarch-patroni-…: one cluster per temp dir
    conf["name"] = m.name
    conf["log"] = {"level": "INFO"}
    api = f"127.0.0.1:{m.api_port}"
    conf["restapi"] = {"listen": api, "connect_address": api}
    conf["etcd3"] = {"hosts": f"127.0.0.1:{cluster.etcd_port}"}
    conf["bootstrap"]["dcs"]["synchronous_mode"] = synchronous
    pg = conf["postgresql"]
    pg["listen"] = pg["connect_address"] = f"127.0.0.1:{m.pg_port}"
    pg["data_dir"] = str(m.data)
    pg["bin_dir"] = cluster.bin_dir
    pg["pgpass"] = str(cluster.work / f"{m.name}.pgpass")
    pg["pg_hba"] = [line.replace("10.0.0.0/24", "127.0.0.1/32") for line in pg["pg_hba"]]
    pg["authentication"]["superuser"]["password"] = cluster.password
    pg["authentication"]["replication"]["password"] = replication_password
    pg["parameters"] = {**pg.get("parameters", {}), **_FAST}
    # The socket in the cluster's own 0700 directory, not the system's.
    pg["parameters"]["unix_socket_directories"] = str(cluster.work)
    return conf


def _children(pid: int) -> list[int]:
    """The PIDs of the live processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _naming(text: str) -> list[int]:
    """The PIDs of the live processes whose command line contains `text`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes() and _state(int(cmdline.parent.name)) != "Z":
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


def _state(pid: int) -> str:
    """The process's state letter (R, S, T, Z …), "" when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _tail(path: Path, n: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return "(no log)"


# --- the reaper --------------------------------------------------------------------------------


def _start_reaper(work: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _REAPER, str(os.getpid()), str(work)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C or a kill of the test's process group spares it
        close_fds=True,
    )


# Self-contained (no import of this package): it must run whatever happens to the test process.
_REAPER = r"""
import os, shutil, signal, sys, time
owner, work = int(sys.argv[1]), sys.argv[2]

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False

def ours():
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if work.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found

while alive(owner) and os.path.isdir(work):
    time.sleep(0.2)
def children(parents):
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) in parents and fields[0] != "Z":
                found.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return found

if os.path.isdir(work):
    # Patroni, etcd and each postmaster: SIGKILL, but SIGQUIT for a postmaster (PostgreSQL's
    # immediate shutdown, which ends its backends); after a grace period SIGKILL for all that
    # is left, the postmasters' children included (each one is a session of its own).
    deadline = time.monotonic() + 30
    postmasters = set()
    while time.monotonic() < deadline:
        late = time.monotonic() > deadline - 20
        pids = ours() + (children(postmasters) if late else [])
        if not pids:
            break
        for pid in pids:
            try:
                with open(f"/proc/{pid}/comm") as f:
                    postmaster = f.read().strip() == "postgres"
                if postmaster and not late:
                    postmasters.add(pid)
                    for child in children({pid}):
                        os.kill(child, signal.SIGCONT)
                os.kill(pid, signal.SIGQUIT if postmaster and not late else signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.2)
    shutil.rmtree(work, ignore_errors=True)
"""
