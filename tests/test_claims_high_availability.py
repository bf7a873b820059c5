"""The claims of docs/operations/high-availability.md, on a real Patroni cluster.

One etcd member and three PostgreSQL members managed by Patroni (playbooks/engines/patroni.py),
started once for this module from snippets/postgres/high-availability/patroni.yml, on loopback ports in a temp
dir. The tests run in file order, on one xdist worker, and each leaves the cluster in the state
the next one starts from:

1. the cluster forms: a leader, two streaming replicas, one of them synchronous;
2. synchronous failover: a writer commits through the libpq multi-host URL while the leader's
   standbys are cut off (the synchronous one first, so that the other is ahead) and then the
   leader is killed; not one acknowledged commit is lost, the synchronous standby is promoted and
   the other one rewound, the new leader accepts writes within bounds derived from `ttl`, and
   the URL finds it;
3. the killed leader rejoins as a replica, through pg_rewind;
4. a switchover, with the page's writer running through the page's PgBouncer and HAProxy (and
   through a second PgBouncer with the default `server_login_retry`): both follow the leader;
   the default one pauses at least 15 s;
5. asynchronous failover, the same sequence: the commits acknowledged while the standbys were cut
   off are lost;
6. etcd stops: the leader, unable to renew its key, turns itself read-only.

Apart from that cluster: a run killed with SIGKILL leaves no process and no directory behind (a
one-member cluster started by a child process), and the versions and defaults the page names are
those of the installed Patroni and etcd.

Every wait is a loop with a deadline, generous because the machine is shared. What a run
measured is printed (pytest -s shows it) and asserted only as bounds.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from playbooks import paths, replay
from playbooks.engines import (
    EngineUnavailable,
    Server,
    containers,
    haproxy,
    images,
    patroni,
    pgbouncer,
)
from playbooks.engines.readiness import ready
from playbooks.replay import run_python, statements
from playbooks.terminal import and_list
from playbooks.testing.options import record_engine, record_measurement, served, unavailable
from playbooks.testing.summary import used_server

pytestmark = pytest.mark.xdist_group("ha")

PAGE = paths.DOCS / "operations" / "high-availability.md"
# The Patroni that ran beside each PostgreSQL of the matrix: the one its Debian release packages.
PATRONI = {15: "3.0", 17: "4.0", 18: "4.1"}
WAIT = 90.0  # seconds: the bound of every wait for the cluster (the machine is loaded)
GRACE = 0.5  # seconds: how late the writer may record an acknowledgement under load


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[patroni.Cluster]:
    """Three members of this machine's PostgreSQL and Patroni, or under --engine-versions
    postgres:N of version N and the Patroni its image has."""
    _, version = served(request.config, "postgres")
    try:
        started = patroni.start(members=3, synchronous=True, version=version)
    except EngineUnavailable as e:
        unavailable(request.config, "patroni", str(e))
    try:
        for tool, found in patroni.versions(started.box).items():
            where = "container" if started.box is not None and tool == "patroni" else "local"
            record_engine(request.config, tool, found, where)
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def members_postgres(cluster: patroni.Cluster) -> Server:
    """The members' PostgreSQL, its version read from the first member while all run: what the
    closing summary counts the cluster's tests as run on."""
    origin = "local" if cluster.box is None else "container"
    member = cluster.members[0]
    server = Server("postgres", "127.0.0.1", member.pg_port, "postgres", cluster.password, origin)
    assert ready(server), f"{member.name} does not answer"
    return server


@pytest.fixture(autouse=True)
def _counted_on_the_members_version(request: pytest.FixtureRequest) -> None:
    if "cluster" in request.fixturenames:
        used_server(request, request.getfixturevalue("members_postgres"))


@pytest.fixture(scope="module")
def client() -> dict[str, Any]:
    """The page's client code: the multi-host URL and the writer that retries safely."""
    return run_python("postgres/high-availability/follow_leader.py")


def dcs(cluster: patroni.Cluster) -> dict:
    """The cluster-wide settings Patroni keeps in etcd."""
    leader = cluster.wait_leader(WAIT)
    status, body = leader.api("config")
    assert status == 200, body
    return body


def on(cluster: patroni.Cluster, member: patroni.Member, sql: str, params: Any = None) -> list:
    with psycopg.connect(cluster.url(member), autocommit=True, connect_timeout=5) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def wait_for(
    check: Callable[[], Any], what: str, timeout: float = WAIT, accept: Callable = bool
) -> Any:
    """A server that is being failed over or restarted refuses connections for a while."""
    return replay.wait_for(
        check, what, timeout, retry_on=(psycopg.OperationalError,), interval=0.1, accept=accept
    )


# --- the load and the failover -----------------------------------------------------------------


class Load(threading.Thread):
    """The page's Writer in a loop: keys 1, 2, 3 …; a failed write is retried with the same key."""

    def __init__(self, writer: Any) -> None:
        super().__init__(daemon=True)
        self.writer = writer
        self.acked_at: dict[int, float] = {}  # key → when its commit was acknowledged
        self.halt = threading.Event()

    def run(self) -> None:
        key = 1
        while not self.halt.is_set():
            if self.writer.write(key):
                self.acked_at[key] = time.monotonic()
                key += 1
            # About 50 commits a second: an application's pace, not a benchmark's (1 s of
            # unreplicated commits stays far below maximum_lag_on_failover).
            time.sleep(0.02)

    def acked_after(self, moment: float) -> list[int]:
        return sorted(k for k, t in list(self.acked_at.items()) if t > moment)


class Failover:
    """What one killed leader cost: measured by a writer running throughout."""

    def __init__(self, cluster: patroni.Cluster, client: dict, synchronous: bool) -> None:
        self.old = cluster.wait_leader(WAIT)
        on(cluster, self.old, "CREATE TABLE IF NOT EXISTS ha_writes (id bigint PRIMARY KEY)")
        on(cluster, self.old, "TRUNCATE ha_writes")
        # The leader about to die first in the list: libpq must skip it once it is gone.
        ordered = [self.old] + [m for m in cluster.members if m is not self.old]
        hosts = [f"127.0.0.1:{m.pg_port}" for m in ordered]
        self.url = client["leader_url"](hosts, "postgres", cluster.password, "postgres")
        load = Load(client["Writer"](self.url))
        load.start()
        try:
            wait_for(lambda: len(load.acked_at) >= 20, "20 commits before the failover")
            self.before_pause = max(load.acked_at)
            self.standby_names = on(cluster, self.old, "SHOW synchronous_standby_names")[0][0]
            # The standbys receive nothing more; clients still reach the leader for 1 s. In
            # synchronous mode the synchronous standby is cut off first: the other one receives
            # the WAL of the commit that waits for it and is ahead when the leader dies, so the
            # promotion shows Patroni's rule, not the standby that happened to have more.
            if synchronous:
                cluster.pause_replication(self.old, [self.standby_names])
                self.received = wait_for(
                    lambda: self._received(cluster),
                    "the asynchronous standby to receive more WAL than the synchronous one",
                    accept=lambda got: all(
                        n > got[self.standby_names]
                        for m, n in got.items()
                        if m != self.standby_names
                    ),
                )
            self.paused = cluster.pause_replication(self.old)
            self.paused_at = time.monotonic()
            # One more row, written straight to the old leader (key -1, which the writer never
            # uses): in synchronous mode its commit waits, in the leader's WAL only, until the kill.
            marker = threading.Thread(target=self._marker, args=(cluster,), daemon=True)
            marker.start()
            time.sleep(1.0)
            self.log_sizes = {m.name: _size(m.log) for m in cluster.members}
            left, asked_at = lease_left(cluster), time.monotonic()
            kill_started = time.monotonic()
            cluster.kill(self.old)  # returns once the postmaster is gone
            self.killed_at = time.monotonic()
            # What the leader key still had to live then, at least (etcd rounds down, and a
            # renewal since would only add to it).
            self.key_left = left - (self.killed_at - asked_at)
            # Acknowledgements recorded in the first GRACE seconds may be answers to commits made
            # before the WAL senders stopped (this thread and the writer's share a loaded CPU).
            self.acked_while_paused = load.acked_after(self.paused_at + GRACE)
            # Commits a second, before the pause and while it lasted (until the kill began).
            before = sorted(t for t in load.acked_at.values() if t <= self.paused_at)
            self.rate_before = (len(before) - 1) / (before[-1] - before[0])
            paused = [
                t for t in load.acked_at.values() if self.paused_at + GRACE < t < kill_started
            ]
            self.rate_paused = len(paused) / (kill_started - self.paused_at - GRACE)
            self.new = cluster.wait_leader(WAIT, exclude=(self.old.name,))
            # Past GRACE the old leader is long dead: a commit then is the new leader's.
            wait_for(lambda: load.acked_after(self.killed_at + GRACE), "a commit on the new leader")
        finally:
            load.halt.set()
            load.join(30)
        marker.join(30)
        self.acknowledged = list(load.writer.acknowledged)
        found = on(
            cluster, self.new, "SELECT id FROM ha_writes WHERE id = ANY(%s)", [self.acknowledged]
        )
        kept = {r[0] for r in found}
        self.lost = sorted(set(self.acknowledged) - kept)
        # The first commit the new leader acknowledged: one recorded just after the kill may be
        # the old leader's answer, read late by a thread on a busy CPU (then its key is lost).
        first = next(k for k in load.acked_after(self.killed_at) if k in kept)
        self.seconds = load.acked_at[first] - self.killed_at
        print(
            f"\n{'sync' if synchronous else 'async'} failover {self.old.name} -> {self.new.name}: "
            f"new leader accepted a write after {self.seconds:.1f}s "
            f"(the leader key had {self.key_left:.1f}s left); "
            f"{len(self.acknowledged)} acknowledged, {len(self.acked_while_paused)} of them while "
            f"the standbys were cut off, {len(self.lost)} lost; "
            f"{self.rate_before:.0f} commits/s before the cut-off, {self.rate_paused:.0f} during it; "
            f"synchronous_standby_names={self.standby_names!r}; WAL received before the kill: "
            f"{self.received or 'not measured'}"
        )

    marker_acked = False
    received: dict[str, int] = {}  # standby → WAL received (sync mode, before the kill)

    def logged_since_kill(self, member: patroni.Member) -> str:
        return _logged_since(member, self.log_sizes[member.name])

    def _received(self, cluster: patroni.Cluster) -> dict[str, int]:
        """How far into the WAL each standby has received, in bytes, asked of each one."""
        sql = "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::bigint"
        return {m.name: on(cluster, m, sql)[0][0] for m in cluster.members if m is not self.old}

    rejoined: str | None = None  # what the old leader logged once it came back (rejoin)

    def _marker(self, cluster: patroni.Cluster) -> None:
        try:
            on(cluster, self.old, "INSERT INTO ha_writes VALUES (-1)")
            self.marker_acked = True
        except psycopg.OperationalError:
            pass  # the connection died with the leader: never acknowledged


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _logged_since(member: patroni.Member, size: int) -> str:
    """What `member` logged after its log was `size` bytes long."""
    return member.log.read_bytes()[size:].decode(errors="replace")


_done: dict[str, Failover | BaseException] = {}


def failover(cluster: patroni.Cluster, client: dict, synchronous: bool) -> Failover:
    """The failover of this mode, run once per module (later tests look at its aftermath)."""
    mode = "sync" if synchronous else "async"
    if mode not in _done:
        try:
            _done[mode] = _failover(cluster, client, synchronous)
        except Exception as e:
            _done[mode] = e  # the tests after it fail at once, not after another failover
    done = _done[mode]
    if isinstance(done, BaseException):
        raise done
    return done


def _failover(cluster: patroni.Cluster, client: dict, synchronous: bool) -> Failover:
    if dcs(cluster).get("synchronous_mode", False) != synchronous:
        cluster.patch_config(cluster.wait_leader(WAIT), {"synchronous_mode": synchronous})
    leader = cluster.wait_leader(WAIT)
    running = [m for m in cluster.members if m.proc is not None and m.proc.poll() is None]
    cluster.wait_streaming(leader, [m.name for m in running if m is not leader], WAIT)

    def settled() -> bool:
        names = on(cluster, leader, "SHOW synchronous_standby_names")[0][0]
        states = on(cluster, leader, "SELECT sync_state FROM pg_stat_replication")
        return (
            dcs(cluster).get("synchronous_mode", False) == synchronous
            and bool(names) == synchronous
            and (("sync",) in states) == synchronous
        )

    # Twice, a few HA loops apart: Patroni changes the standby names in steps.
    wait_for(settled, f"the leader to follow synchronous_mode={synchronous}")
    time.sleep(1.5)
    wait_for(settled, f"the leader to keep following synchronous_mode={synchronous}")
    return Failover(cluster, client, synchronous)


def rejoin(cluster: patroni.Cluster, run: Failover) -> str:
    """The old leader of `run` started again, streaming from the new leader and taking
    connections (once per failover); what it logged since it started (the same member may have
    rejoined before)."""
    if run.rejoined is None:
        before = _size(run.old.log)
        cluster.start_member(run.old)
        cluster.wait_streaming(cluster.wait_leader(WAIT), [run.old.name], WAIT)
        # A standby streams before its replay is consistent, and refuses connections until it
        # is (after pg_rewind, until it has replayed past the leader's old end: seen in CI).
        wait_for(
            lambda: on(cluster, run.old, "SELECT pg_is_in_recovery()")[0][0],
            "the rejoined member to accept connections",
        )
        run.rejoined = _logged_since(run.old, before)
    return run.rejoined


def lease_left(cluster: patroni.Cluster) -> int:
    """The whole seconds the leader key's lease has left, as etcd reports them."""
    _, lease = cluster.keys()["leader"]
    out = cluster.etcdctl("lease", "timetolive", format(lease, "x"))
    found = re.search(r"remaining\((-?\d+)s\)", out)
    assert found, out
    return int(found[1])


def bounds(cluster: patroni.Cluster) -> tuple[float, float]:
    """No replica may take over before the leader key expires, `ttl` after its last renewal,
    which the leader made at most `loop_wait` + `retry_timeout` before it died (a renewal that
    takes longer fails, and the leader demotes itself). The upper bound is generous for a
    loaded machine: three times `ttl`."""
    conf = dcs(cluster)
    return conf["ttl"] - conf["loop_wait"] - conf["retry_timeout"], 3 * conf["ttl"]


def leader_lease_ttl(cluster: patroni.Cluster) -> int:
    """The TTL etcd granted the leader key's lease: the ttl the leader's loop runs with."""
    _, lease = cluster.keys()["leader"]
    out = cluster.etcdctl("lease", "timetolive", format(lease, "x"))
    return int(re.search(r"granted with TTL\((\d+)s\)", out).group(1))


def timings_that_break_the_rules(cluster: patroni.Cluster, leader: patroni.Member) -> None:
    """The page's second table: Patroni 3.0 keeps a ttl under 20 s and a retry_timeout that
    breaks ttl >= loop_wait + 2 * retry_timeout; Patroni 4 raises the one, lowers the other,
    and says so in its log only. Each change is undone."""
    major = int(patroni.versions(cluster.box)["patroni"].split(".")[0])
    assert major in (3, 4)
    size = _size(leader.log)
    cluster.patch_config(leader, {"ttl": 10})
    if major == 3:  # the next lease is granted for 10 s
        wait_for(lambda: leader_lease_ttl(cluster) == 10, "a lease of 10 s")
    else:
        warning = "ttl=10 can't be smaller than 20, adjusting..."
        wait_for(lambda: warning in _logged_since(leader, size), "Patroni's warning")
        time.sleep(3 * dcs(cluster)["loop_wait"])  # a few loops on: the lease is still 20 s
        assert leader_lease_ttl(cluster) == 20
        assert dcs(cluster)["ttl"] == 10  # while etcd's copy of the configuration says 10
    cluster.patch_config(leader, {"ttl": 20})
    wait_for(lambda: leader_lease_ttl(cluster) == 20, "the lease back to 20 s")
    # 1 + 2 * 10 > 20
    size = _size(leader.log)
    assert cluster.patch_config(leader, {"retry_timeout": 10})["retry_timeout"] == 10
    violated = 'Violated the rule "loop_wait + 2*retry_timeout <= ttl", where ttl=20.'
    adjusted = "Adjusting loop_wait from 1 to 1 and retry_timeout from 10 to 9"
    if major == 3:
        time.sleep(3 * dcs(cluster)["loop_wait"])
        assert "Violated" not in _logged_since(leader, size)
    else:
        wait_for(lambda: violated in _logged_since(leader, size), "Patroni's warning")
        assert adjusted in _logged_since(leader, size)
    assert cluster.patch_config(leader, {"retry_timeout": 4})["retry_timeout"] == 4


# --- the claims --------------------------------------------------------------------------------


def test_the_cluster_forms_with_one_leader_and_a_synchronous_standby(cluster):
    conf = dcs(cluster)
    # The page's timings, and Patroni's rule of thumb for them.
    assert (conf["ttl"], conf["loop_wait"], conf["retry_timeout"]) == (20, 1, 4)
    assert conf["ttl"] >= conf["loop_wait"] + 2 * conf["retry_timeout"]
    assert conf["synchronous_mode"] is True and conf.get("failsafe_mode", False) is False
    assert conf["postgresql"]["use_pg_rewind"] is True
    leader = cluster.wait_leader(WAIT)
    roles = sorted(m.role() for m in cluster.members)
    assert roles in (["master", "replica", "replica"], ["primary", "replica", "replica"])
    rows = on(cluster, leader, statements("postgres/high-availability/replication-status.sql")[0])
    assert [(r[1], r[2]) for r in rows] == [("streaming", "sync"), ("streaming", "async")] or [
        (r[1], r[2]) for r in rows
    ] == [("streaming", "async"), ("streaming", "sync")]
    assert {r[0] for r in rows} == {m.name for m in cluster.members} - {leader.name}
    assert on(cluster, leader, "SHOW wal_log_hints")[0][0] == "on"
    [(version,)] = on(cluster, leader, "SHOW server_version_num")
    assert int(version) // 10000 in PATRONI  # a version the page names
    # What a proxy's health check asks: only the leader answers 200 on /primary.
    answers = {m.name: m.api("primary")[0] for m in cluster.members}
    assert answers == {m.name: 200 if m is leader else 503 for m in cluster.members}
    # In etcd: the leader key names the leader and lives on a lease of `ttl` seconds, which
    # the leader keeps renewing; the sync key names the one standby allowed to take over.
    keys = cluster.keys()
    value, lease = keys["leader"]
    assert value == leader.name
    assert f"granted with TTL({conf['ttl']}s)" in cluster.etcdctl(
        "lease", "timetolive", format(lease, "x")
    )
    sync = next(r[0] for r in rows if r[2] == "sync")
    wait_for(
        lambda: (
            # (Patroni 4 adds "quorum": 0, for its quorum-based synchronous mode, not used here)
            json.loads(cluster.keys().get("sync", ("{}", 0))[0] or "{}")
            in (
                {"leader": leader.name, "sync_standby": sync},
                {"leader": leader.name, "sync_standby": sync, "quorum": 0},
            )
        ),
        "the sync key naming the synchronous standby",
    )
    timings_that_break_the_rules(cluster, leader)
    # The configuration the page shows is the one these members were started from.
    assert patroni.CONFIG == paths.SNIPPETS / "postgres/high-availability/patroni.yml"


def test_synchronous_failover_loses_no_acknowledged_commit(cluster, client):
    run = failover(cluster, client, synchronous=True)
    assert run.new.name != run.old.name
    assert len(run.acknowledged) >= 20
    # While the standbys received nothing, the leader acknowledged no commit: each one waits.
    assert run.acked_while_paused == []
    assert run.lost == []
    # The standby promoted is the one that was synchronous: Patroni allows no other, even when
    # the other standby has received more WAL.
    assert run.new.name == run.standby_names
    ahead = max(run.received, key=run.received.get)
    assert ahead != run.new.name and run.received[ahead] > run.received[run.new.name], run.received
    # That standby held WAL the new leader never had: it follows only once Patroni has rewound
    # it, as it rewinds the old leader (use_pg_rewind).
    standby = next(m for m in cluster.members if m.name == ahead)
    cluster.wait_streaming(run.new, [ahead], WAIT)
    log = run.logged_since_kill(standby)
    assert "running pg_rewind from" in log and "pg_rewind exit code=0" in log, log[-3000:]


def test_a_new_leader_accepts_writes_after_the_leader_key_expires(cluster, client):
    run = failover(cluster, client, synchronous=True)
    low, high = bounds(cluster)
    assert low <= run.seconds < high, (run.seconds, low, high)
    # "No replica may take over while the key lives": not before the lease left at the kill ran out.
    assert run.seconds >= run.key_left, (run.seconds, run.key_left)
    # The dead leader had renewed it at most loop_wait + retry_timeout before ("about 19 of its
    # 20 seconds" left; etcd reports whole seconds, rounded down).
    assert run.key_left > low - 1, (run.key_left, low)


def test_the_multi_host_url_reaches_the_new_leader(cluster, client):
    run = failover(cluster, client, synchronous=True)
    assert "target_session_attrs=read-write" in run.url
    with psycopg.connect(run.url, autocommit=True) as conn:
        port, standby = conn.execute("SELECT inet_server_port(), pg_is_in_recovery()").fetchone()
    assert (port, standby) == (run.new.pg_port, False)
    # Every host is named, the dead one first: libpq skipped it, and any replica before the
    # new leader.
    assert all(f"127.0.0.1:{m.pg_port}" in run.url for m in cluster.members)
    assert run.url.split("@")[1].startswith(f"127.0.0.1:{run.old.pg_port},")


def test_the_old_leader_rejoins_as_a_replica_through_pg_rewind(cluster, client):
    run = failover(cluster, client, synchronous=True)
    log = rejoin(cluster, run)
    leader = cluster.wait_leader(WAIT)
    assert on(cluster, run.old, "SELECT pg_is_in_recovery()")[0][0] is True
    # It had written WAL the others never received (the commit left waiting): it had to be
    # rewound to the point where the timelines parted before it could follow the new leader.
    assert "running pg_rewind from" in log, log[-3000:]
    assert "pg_rewind exit code=0" in log, log[-3000:]
    # Its rows are the new leader's: what it alone had written (the row whose commit was left
    # waiting for its standby) was rewound away.
    assert run.marker_acked is False
    rows = "SELECT array_agg(id ORDER BY id) FROM ha_writes"
    wait_for(
        lambda: on(cluster, run.old, rows) == on(cluster, leader, rows),
        "the rejoined member holding the leader's rows",
    )
    assert on(cluster, run.old, "SELECT count(*) FROM ha_writes WHERE id = -1") == [(0,)]
    # It receives the new leader's timeline (the promotion started a new one).
    timeline = leader.api("patroni")[1]["timeline"]
    assert timeline >= 2
    received = "SELECT received_tli FROM pg_stat_wal_receiver WHERE status = 'streaming'"
    wait_for(
        lambda: on(cluster, run.old, received) == [(timeline,)],
        "the rejoined member streaming the leader's timeline",
    )


RETRY = "server_login_retry = 1\n"


@pytest.fixture(scope="module")
def poolers(
    request: pytest.FixtureRequest, cluster: patroni.Cluster, tmp_path_factory
) -> Iterator[dict[str, Server]]:
    """The page's PgBouncer, whose server connections go through the page's HAProxy, and beside
    it the same PgBouncer without the page's `server_login_retry` (PgBouncer's default)."""
    backends = [(m.pg_port, m.api_port) for m in cluster.members]
    try:
        proxy = haproxy.start(
            paths.SNIPPETS / "postgres/high-availability/haproxy.cfg",
            backends,
            "postgres",
            cluster.password,
        )
    except EngineUnavailable as e:
        unavailable(request.config, "haproxy", str(e))
    record_engine(request.config, "haproxy", proxy.version)
    page = paths.SNIPPETS / "postgres/high-availability/pgbouncer.ini"
    assert RETRY in page.read_text()
    default = tmp_path_factory.mktemp("pgbouncer") / "pgbouncer.ini"
    default.write_text(page.read_text().replace(RETRY, ""))
    started: dict[str, Server] = {}
    try:
        # the PgBouncer of the members' image when they run in a container of the matrix
        image = cluster.box.image if cluster.box is not None else ""
        for name, ini in (("page", page), ("default", default)):
            started[name] = pgbouncer.start(ini, proxy, image)
        yield started
    finally:
        for server in started.values():
            server.stop()
        proxy.stop()


def switchover(leader: patroni.Member) -> tuple[int, str]:
    """POST /switchover on the leader's REST API: a planned change of leader."""
    body = json.dumps({"leader": leader.name}).encode()
    url = f"http://127.0.0.1:{leader.api_port}/switchover"
    request = urllib.request.Request(url, body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def served_by(url: str) -> tuple[int, bool]:
    """(port, in recovery) of the server a new connection to `url` reaches."""
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute("SELECT inet_server_port(), pg_is_in_recovery()").fetchone()


def test_clients_of_pgbouncer_behind_haproxy_follow_a_new_leader(request, cluster, client, poolers):
    # The state this test starts from, also when it runs alone: the old leader rejoined.
    rejoin(cluster, failover(cluster, client, synchronous=True))
    old = cluster.wait_leader(WAIT)
    cluster.wait_streaming(old, [m.name for m in cluster.members if m is not old], WAIT)
    cluster.wait_sync_standby(old, WAIT)  # in synchronous mode, the one a switchover promotes
    # One database per PgBouncer, so that each writer's keys are its own.
    urls = {name: poolers[name].url(f"shop_{name}") for name in poolers}
    for name in poolers:
        if not on(cluster, old, "SELECT 1 FROM pg_database WHERE datname = %s", [f"shop_{name}"]):
            on(cluster, old, f"CREATE DATABASE shop_{name}")
        with psycopg.connect(cluster.url(old, f"shop_{name}"), autocommit=True) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS ha_writes (id bigint PRIMARY KEY)")
        # HAProxy routes to the member whose GET /primary answers 200; until its first checks
        # have run it may still count a replica in, so the first answers are awaited.
        wait_for(lambda u=urls[name]: served_by(u) == (old.pg_port, False), "the leader")
        assert all(served_by(urls[name]) == (old.pg_port, False) for _ in range(10))
    # A client that prepares its query (psycopg prepares at once with prepare_threshold=0),
    # ran it on the old leader, and runs it again after the switchover.
    prepared = psycopg.connect(urls["page"], autocommit=True, prepare_threshold=0)
    count = "SELECT inet_server_port(), count(*) >= 0 FROM ha_writes WHERE id > %s"
    assert prepared.execute(count, [0]).fetchone() == (old.pg_port, True)
    # The page's writer, unchanged, with PgBouncer's address as its URL.
    loads = {name: Load(client["Writer"](url)) for name, url in urls.items()}
    for load in loads.values():
        load.start()
    try:
        for load in loads.values():
            wait_for(lambda x=load: len(x.acked_at) >= 20, "20 commits through PgBouncer")
        asked = time.monotonic()
        status, answer = switchover(old)
        assert status == 200, answer
        new = cluster.wait_leader(WAIT, exclude=(old.name,))
        for load in loads.values():
            wait_for(lambda x=load: len(x.acked_after(asked)) >= 20, "20 commits after it")
    finally:
        for load in loads.values():
            load.halt.set()
            load.join(30)
    pause = {}
    for name, load in loads.items():
        # The writer never changed its URL; its commits stopped while the leader changed and
        # went on on the new one. A planned switchover loses nothing.
        acked = sorted(load.acked_at.values())
        pause[name] = max(b - a for a, b in itertools.pairwise(acked) if b > asked)
        keys = load.writer.acknowledged
        with psycopg.connect(urls[name], autocommit=True) as conn:
            port, present = conn.execute(
                "SELECT inet_server_port(), count(*) FROM ha_writes WHERE id = ANY(%s)", [keys]
            ).fetchone()
        assert (port, present) == (new.pg_port, len(keys)), name
    # The prepared query after the switchover: its server connection is a new one, to the new
    # leader. PgBouncer 1.18 passes the client's statement name on, which the new leader never
    # saw; a PgBouncer that tracks prepared statements prepares it there again.
    version = pgbouncer.major_minor(poolers["page"])
    named = ".".join(map(str, version))  # "1.24"
    said = " ".join(PAGE.read_text().split())
    with prepared:
        if version >= pgbouncer.TRACKS_BY_DEFAULT:
            assert prepared.execute(count, [0]).fetchone() == (new.pg_port, True)
            tracking = re.search(r"PgBouncer ([\d. and]+) \(beside [^)]*\) track prepared", said)
            assert tracking and named in tracking[1].split(" and "), tracking
        else:
            with pytest.raises(psycopg.errors.InvalidSqlStatementName, match='"_pg3_0"'):
                prepared.execute(count, [0])
            assert f"Through PgBouncer {named} the second run failed" in said
    print(
        f"\nswitchover {old.name} -> {new.name}: writes through PgBouncer paused "
        f"{pause['page']:.1f}s (server_login_retry = 1), {pause['default']:.1f}s (default)"
    )
    record_measurement(request.config, "ha.switchover_pause_seconds", round(pause["page"], 1))
    record_measurement(
        request.config, "ha.switchover_pause_default_retry", round(pause["default"], 1)
    )
    # While the leader changes HAProxy has no member to offer; PgBouncer's first server
    # connection fails, and by default it tries again 15 s later.
    retry = {}
    for name, server in poolers.items():
        with psycopg.connect(server.url("pgbouncer"), autocommit=True) as admin:
            config = {row[0]: row[1] for row in admin.execute("SHOW CONFIG").fetchall()}
        retry[name] = config["server_login_retry"]
    assert retry == {"page": "1", "default": "15"}
    assert pause["default"] >= 15 - GRACE
    assert pause["page"] < pause["default"]


def test_asynchronous_failover_loses_the_commits_the_standbys_never_received(cluster, client):
    run = failover(cluster, client, synchronous=False)
    assert run.new.name != run.old.name
    # Without a synchronous standby the leader went on acknowledging commits as before (at half
    # the pace or more: the writer's thread shares a loaded CPU) …
    assert run.acked_while_paused
    assert run.rate_paused >= run.rate_before / 2, (run.rate_paused, run.rate_before)
    # … and those were lost: every lost key was acknowledged after the standbys were cut off.
    assert run.lost, "no acknowledged commit was lost"
    assert len(run.lost) <= len(run.acknowledged)
    # Every commit acknowledged while the standbys were cut off is lost, and nothing older:
    # the standbys hold a prefix of the leader's history, the lost keys are one unbroken run.
    assert set(run.acked_while_paused) <= set(run.lost)
    assert min(run.lost) > run.before_pause
    acknowledged = sorted(run.acknowledged)
    first = acknowledged.index(run.lost[0])
    assert run.lost == acknowledged[first : first + len(run.lost)]
    low, high = bounds(cluster)
    assert low <= run.seconds < high, (run.seconds, low, high)
    # "No replica may take over while the key lives": not before the lease left at the kill ran out.
    assert run.seconds >= run.key_left, (run.seconds, run.key_left)
    # "when the old leader rejoins they are rewound away"
    log = rejoin(cluster, run)
    assert "pg_rewind exit code=0" in log, log[-3000:]
    lost = "SELECT count(*) FROM ha_writes WHERE id = ANY(%s)"
    assert on(cluster, run.old, lost, [run.lost]) == [(0,)]


def test_a_leader_that_loses_etcd_demotes_itself(cluster, client):
    run = failover(cluster, client, synchronous=False)  # the state this test starts from …
    rejoin(cluster, run)  # … with the old leader back: "all three members were healthy"
    leader = cluster.wait_leader(WAIT)
    cluster.wait_streaming(leader, [m.name for m in cluster.members if m is not leader], WAIT)
    assert on(cluster, leader, "SELECT pg_is_in_recovery()")[0][0] is False
    hosts = [f"127.0.0.1:{m.pg_port}" for m in cluster.members]
    url = client["leader_url"](hosts, "postgres", cluster.password, "postgres")
    conf = dcs(cluster)
    ttl = conf["ttl"]
    # A writer on the leader alone, from before etcd stops until the leader refuses it.
    on(cluster, leader, "TRUNCATE ha_writes")
    load = Load(
        client["Writer"](
            client["leader_url"](
                [f"127.0.0.1:{leader.pg_port}"], "postgres", cluster.password, "postgres"
            )
        )
    )
    load.start()
    try:
        wait_for(lambda: len(load.acked_at) >= 20, "20 commits before etcd stops")
        left, asked_at = lease_left(cluster), time.monotonic()
        cluster.stop_etcd()
        stopped = time.monotonic()
        # When the key would have run out had the other members' etcd lived on (etcd rounds
        # the lease down, so it would have lived at least this long).
        key_ends = asked_at + left

        def read_only() -> bool:
            return on(cluster, leader, "SELECT pg_is_in_recovery()")[0][0] is True

        wait_for(read_only, "the leader turning read-only without etcd")
        seconds = time.monotonic() - stopped
    finally:
        load.halt.set()
        load.join(30)
    last_write = max(load.acked_at.values())
    print(
        f"\nwithout etcd, {leader.name} acknowledged its last write {last_write - stopped:.1f}s "
        f"after etcd stopped, {key_ends - last_write:.1f}s before its key would have run out "
        f"({left}s of lease left); read-only after {seconds:.1f}s"
    )
    # It was writing when etcd stopped, and it stopped writing while its key still lived: a
    # member that took the key once it ran out would never have been a second writer.
    assert load.acked_after(stopped)
    assert last_write < key_ends, (last_write - stopped, key_ends - stopped)
    # As the page puts it: writes went on for about `retry_timeout` (Patroni's retries of etcd),
    # and stopped with more than half of `ttl` left on the key.
    assert last_write - stopped < conf["retry_timeout"] + 2 * conf["loop_wait"] + 2 * GRACE
    assert key_ends - last_write > ttl / 2
    assert seconds < 3 * ttl
    # No member accepts writes now: a multi-host URL asking for read-write finds none.
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, autocommit=True).close()
    for member in cluster.members:
        if member.postmaster_pid() is not None:
            assert on(cluster, member, "SELECT pg_is_in_recovery()")[0][0] is True


# --- no process outlives a killed test run -----------------------------------------------------

_KILLED_RUN = """
import sys, time
from playbooks.engines import patroni
c = patroni.start(members=1, synchronous=False)
print(c.work, c.etcd.pid, c.members[0].proc.pid, c.members[0].postmaster_pid(), flush=True)
time.sleep(600)
"""


def test_a_killed_run_leaves_no_process_and_no_directory(request):
    why = patroni.missing()
    if why:
        unavailable(request.config, "patroni", why)
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUN],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # A bounded read: select() before readline(), which would block without a deadline.
        ready, _, _ = select.select([child.stdout], [], [], WAIT)
        assert ready, f"the child started no cluster in {WAIT:.0f}s"
        work, *pids = child.stdout.readline().split()
    except BaseException:
        child.kill()
        child.wait(30)
        raise
    pids = [int(p) for p in pids]
    assert len(pids) == 3 and Path(work).is_dir()
    assert all(patroni.pid_alive(p) for p in pids)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)

    def all_gone() -> bool:
        return not any(patroni.pid_alive(p) for p in pids) and not Path(work).exists()

    wait_for(all_gone, "etcd, Patroni and PostgreSQL gone after SIGKILL", 60)


_DEFAULTS = """
from patroni.config import Config
d = Config._Config__DEFAULT_CONFIG
try:  # Patroni 4: a setting left out is off, as global_config (a module-wide object) reads it
    from patroni import global_config
    failsafe = global_config.check_mode("failsafe_mode")
except ImportError:  # Patroni 3.0: in the defaults
    failsafe = d["failsafe_mode"]
print(d["ttl"], d["loop_wait"], d["retry_timeout"], failsafe)
"""


def test_the_page_names_the_versions_and_defaults_it_ran(cluster, matrix_tests):
    found = patroni.versions(cluster.box)
    major = int(Path(cluster.bin_dir).parent.name)  # /usr/lib/postgresql/<major>/bin
    assert found["patroni"].startswith(f"{PATRONI[major]}.") and found["etcd"].startswith("3.4.")
    assert sorted(images.VERSIONS["postgres"], key=int) == [str(v) for v in PATRONI]
    page = PAGE.read_text()
    assert (
        f"on PostgreSQL {and_list(PATRONI)}, each with the Patroni its "
        f"Debian release packages ({and_list(PATRONI.values())}), and etcd 3.4"
    ) in " ".join(page.split())
    assert f"tests/{Path(__file__).name}" in matrix_tests  # run on each version
    # Patroni's defaults, read from the Patroni that ran with the interpreter it runs under.
    if cluster.box is None:
        script = Path(patroni.binaries()["patroni"] or "")
        python = [script.read_text().splitlines()[0].removeprefix("#!").strip()]
    else:
        python = [*containers.exec_argv(cluster.box), "python3"]
    out = subprocess.run([*python, "-c", _DEFAULTS], capture_output=True, text=True, timeout=60)
    ttl, loop_wait, retry_timeout, failsafe = out.stdout.split()
    assert failsafe == "False", out.stderr
    # The page's table: Patroni's defaults, and the values of the configuration it shows.
    import yaml

    dcs_conf = yaml.safe_load(patroni.CONFIG.read_text())["bootstrap"]["dcs"]
    table = {
        name: (int(default), int(ours))
        for name, default, ours in re.findall(
            r"^\| `(\w+)` \| [^|]+ \| (\d+) s \| (\d+) s \|$", page, re.MULTILINE
        )
    }
    assert table == {
        "ttl": (int(ttl), dcs_conf["ttl"]),
        "loop_wait": (int(loop_wait), dcs_conf["loop_wait"]),
        "retry_timeout": (int(retry_timeout), dcs_conf["retry_timeout"]),
    }
