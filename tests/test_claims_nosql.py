"""The claims of docs/phases/nosql.md, on real engines.

Redis and Kuzu run here; MongoDB, Cassandra and Neo4j run where DBARCH_<ENGINE>_URL names a
server or a container of them can be started, so their tests are skipped with the reason
elsewhere (a run that requires them fails).

The Python snippets are executed as the example runner executes them, and the tests then call
the functions they define. Time is passed in as `now`, and Redis expiry is forced with PEXPIREAT
in the past (Redis deletes the key at once), so nothing sleeps.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from playbooks.paths import SNIPPETS
from playbooks.replay import run_python
from playbooks.sql import snippet, split_statements

WINDOW = 60
T0 = 1_700_000_040.0  # the start of a 60-second window: T0 % 60 == 0


def section(path: str, name: str) -> str:
    """The text between `--8<-- [start:name]` and `--8<-- [end:name]`, as the page includes it."""
    m = re.search(
        rf"--8<-- \[start:{name}\][^\n]*\n(.*?)\n[^\n]*--8<-- \[end:{name}\]", snippet(path), re.S
    )
    assert m, f"no section {name} in {path}"
    return m.group(1)


def cypher(text: str) -> list[str]:
    return [s.text.rstrip(";") for s in split_statements(text, "//")]


def forget(r: Any, key: str) -> None:
    """Expire the key now, as the passing of its TTL would."""
    assert r.pexpireat(key, 1)
    assert r.exists(key) == 0


# --- sessions ------------------------------------------------------------------------------------


def test_sessions_expire_and_slide_on_every_read(redis_client):
    ns = run_python("python/nosql/sessions.py", redis_client=redis_client)
    r = redis_client
    sid = ns["create_session"](r, 7, {"cart": []})
    key = ns["session_key"](sid)
    assert len(sid) >= 43  # 32 random bytes, base64url
    r.expire(key, 5)  # almost expired …
    assert ns["load_session"](r, sid) == {"user_id": 7, "cart": []}
    assert r.ttl(key) > 5  # … and the read gave it a full TTL again
    forget(r, key)
    assert ns["load_session"](r, sid) is None


# --- rate limiting -------------------------------------------------------------------------------


class ProcessDied(Exception):
    pass


class DiesAfterIncr:
    """A client whose process is killed after INCR and before EXPIRE reaches Redis."""

    def __init__(self, r: Any) -> None:
        self.r = r

    def incr(self, key: str) -> int:
        return self.r.incr(key)

    def expire(self, key: str, seconds: int) -> None:
        raise ProcessDied


def test_the_briefs_limiter_leaves_an_immortal_key_when_the_process_dies_between_calls(
    redis_client,
):
    ns = run_python("python/nosql/rate_limit.py", redis_client=redis_client)
    with pytest.raises(ProcessDied):
        ns["is_rate_limited_two_calls"](DiesAfterIncr(redis_client), "u9", T0)
    key = f"rate:u9:{int(T0 // WINDOW)}"
    assert redis_client.get(key) == "1"
    assert redis_client.ttl(key) == -1  # no expiry: the key is never removed
    # Worse, every later request of that window sees count > 1 and never sets it either.
    ns["is_rate_limited_two_calls"](redis_client, "u9", T0)
    assert redis_client.ttl(key) == -1


def test_the_atomic_fixed_window_sets_count_and_expiry_in_one_command(redis_client):
    ns = run_python("python/nosql/rate_limit.py", redis_client=redis_client)
    r = redis_client
    sent: list[str] = []
    original = r.execute_command

    def counting(*args, **kwargs):
        sent.append(args[0])
        return original(*args, **kwargs)

    r.execute_command = counting
    try:
        ns["is_rate_limited"](r, "u1", T0)
    finally:
        del r.execute_command
    assert sent == ["EVAL"]  # one command: a process dies before it (no key) or after (TTL set)
    key = f"rate:u1:{int(T0 // WINDOW)}"
    assert 0 < r.ttl(key) <= WINDOW
    for _ in range(50):
        ns["is_rate_limited"](r, "u1", T0)
    assert all(r.ttl(k) > 0 for k in r.scan_iter("rate:*"))


def test_the_atomic_fixed_window_repairs_a_key_left_without_expiry(redis_client):
    ns = run_python("python/nosql/rate_limit.py", redis_client=redis_client)
    key = f"rate:u2:{int(T0 // WINDOW)}"
    redis_client.set(key, 5)  # what the two-call version left behind
    assert ns["is_rate_limited"](redis_client, "u2", T0) is False
    assert redis_client.get(key) == "6" and 0 < redis_client.ttl(key) <= WINDOW


def test_multi_exec_with_expire_nx_leaves_no_key_without_expiry(redis_client):
    r = redis_client
    r.set("rate:multi", 5)  # a counter the two-call version left without a TTL
    pipe = r.pipeline(transaction=True)  # MULTI / EXEC
    pipe.incr("rate:multi")
    pipe.expire("rate:multi", WINDOW, nx=True)
    assert pipe.execute() == [6, True]
    assert 0 < r.ttl("rate:multi") <= WINDOW  # repaired, as the page says


class ExpiresBetweenCalls:
    """A client through which the key's TTL runs out after SET … NX and before INCR arrives."""

    def __init__(self, r: Any) -> None:
        self.r = r
        self.set_replies: list[Any] = []

    def set(self, key: str, value: int, **options: Any) -> Any:
        reply = self.r.set(key, value, **options)
        self.set_replies.append(reply)
        forget(self.r, key)
        return reply

    def incr(self, key: str) -> int:
        return self.r.incr(key)


def test_set_nx_then_incr_leaves_a_counter_without_expiry_when_the_key_expires_between(
    redis_client,
):
    r = redis_client
    r.set("rate:u10", 7, px=50)  # the window's counter, 50 ms from its end
    assert r.set("rate:u10", 0, ex=WINDOW, nx=True) is None  # the key exists: SET … NX does nothing
    forget(r, "rate:u10")  # the 50 ms run out before INCR arrives
    assert r.incr("rate:u10") == 1
    assert r.ttl("rate:u10") == -1  # a counter that never expires
    # The page's limiter, through a client between whose two commands the key expires:
    ns = run_python("python/nosql/rate_limit.py", redis_client=r)
    limited = ns["is_rate_limited_set_nx"]
    r.set("rate:u11", 7, px=50)
    client = ExpiresBetweenCalls(r)
    assert limited(client, "u11", limit=5) is False
    assert client.set_replies == [None] and r.ttl("rate:u11") == -1
    # No later request repairs it: each SET … NX finds the key, and the user stays limited.
    assert [limited(r, "u11", limit=5) for _ in range(6)] == [False] * 4 + [True] * 2
    assert r.ttl("rate:u11") == -1


def admitted(limiter: Any, r: Any, user: str, times: list[float], limit: int) -> list[float]:
    return [t for t in times if not limiter(r, user, t, limit=limit, window=WINDOW)]


def most_in_any_window(times: list[float]) -> int:
    """The largest number of times in any half-open interval (t - WINDOW, t]."""
    return max(sum(1 for u in times if t - WINDOW < u <= t) for t in times)


def bursts() -> list[float]:
    """Bursts of 8 requests at the end of a window and at the start of the next, every other
    window, and a request every 7.5 s in between."""
    times = [T0 + k * WINDOW + d for k in (1, 3, 5) for d in (-0.2, 0.0) for _ in range(8)]
    times += [T0 + k * WINDOW + 30 + s * 7.5 for k in (1, 3, 5) for s in range(8)]
    return sorted(times)


def test_the_fixed_window_admits_twice_the_limit_across_a_boundary(redis_client):
    ns = run_python("python/nosql/rate_limit.py", redis_client=redis_client)
    limiter, limit = ns["is_rate_limited"], 5
    before = [T0 + WINDOW - 0.1] * 6  # the last tenth of a second of one window
    after = [T0 + WINDOW] * 6  # the first instant of the next
    got = admitted(limiter, redis_client, "u3", before + after, limit)
    assert len(got) == 2 * limit  # 10 requests in 0.1 s with a limit of 5 per 60 s
    # And never more than that, in any 60 seconds of a long sequence of bursts.
    redis_client.flushall()
    got = admitted(limiter, redis_client, "u4", bursts(), limit)
    assert most_in_any_window(got) == 2 * limit


def test_the_sliding_window_never_admits_more_than_the_limit_in_any_window(redis_client):
    ns = run_python("python/nosql/rate_limit.py", redis_client=redis_client)
    limiter, limit = ns["is_rate_limited_sliding"], 5
    got = admitted(limiter, redis_client, "u5", [T0 + WINDOW - 0.1] * 6 + [T0 + WINDOW] * 6, limit)
    assert len(got) == limit
    redis_client.flushall()
    got = admitted(limiter, redis_client, "u6", bursts(), limit)
    assert most_in_any_window(got) == limit
    # An accepted request leaves the window exactly WINDOW seconds later.
    redis_client.flushall()
    assert admitted(limiter, redis_client, "u7", [T0] * 5, limit) == [T0] * 5
    assert limiter(redis_client, "u7", T0 + WINDOW - 0.001, limit=limit, window=WINDOW)
    assert not limiter(redis_client, "u7", T0 + WINDOW, limit=limit, window=WINDOW)


def test_the_sliding_window_needs_a_member_per_request(redis_client):
    ns = run_python("python/nosql/rate_limit.py", redis_client=redis_client)
    r, script = redis_client, ns["SLIDING_WINDOW"]
    # With the timestamp as the member, ten requests at the same instant are one entry.
    verdicts = [r.eval(script, 1, "rate:naive", T0, WINDOW, 5, str(T0)) for _ in range(10)]
    assert verdicts == [0] * 10  # all ten let through with a limit of 5
    assert r.zcard("rate:naive") == 1
    for _ in range(10):
        ns["is_rate_limited_sliding"](r, "u8", T0, limit=5)
    assert r.zcard("rate:sliding:u8") == 5  # the limit, not one
    assert 0 < r.pttl("rate:sliding:u8") <= WINDOW * 1000


# --- locks ---------------------------------------------------------------------------------------


def test_the_briefs_release_deletes_the_next_holders_lock(redis_client):
    ns = run_python("python/nosql/lock.py", redis_client=redis_client)
    r = redis_client
    assert ns["acquire_lock_same_value"](r, "job")  # worker A
    forget(r, "lock:job")  # A is slow; its lock expires
    assert ns["acquire_lock_same_value"](r, "job")  # worker B takes it
    ns["release_lock_same_value"](r, "job")  # A finishes and "releases"
    assert r.exists("lock:job") == 0  # B's lock is gone: a third worker can enter beside B
    assert ns["acquire_lock_same_value"](r, "job")


def test_an_expired_holder_cannot_release_or_extend_the_new_holders_lock(redis_client):
    ns = run_python("python/nosql/lock.py", redis_client=redis_client)
    r = redis_client
    a = ns["acquire_lock"](r, "job", ttl_ms=5_000)
    assert 0 < r.pttl("lock:job") <= 5_000  # the key and its expiry came in one SET
    forget(r, "lock:job")
    b = ns["acquire_lock"](r, "job")
    assert b and b != a
    assert ns["release_lock"](r, "job", a) is False
    assert ns["extend_lock"](r, "job", a) is False
    assert r.get("lock:job") == b  # B still holds it
    assert ns["release_lock"](r, "job", b) is True
    assert r.exists("lock:job") == 0


# --- leaderboard ---------------------------------------------------------------------------------


def test_leaderboard_ties_are_ordered_by_member_and_share_a_competition_rank(redis_client):
    ns = run_python("python/nosql/leaderboard.py", redis_client=redis_client)
    r = redis_client
    r.flushall()
    r.zadd("leaderboard", {"bob": 10, "ann": 10, "cat": 10, "dan": 20})
    # ZRANGE puts equal scores in lexicographic order of the member; ZREVRANGE reverses that.
    assert r.zrange("leaderboard", 0, -1) == ["ann", "bob", "cat", "dan"]
    assert [p for p, _ in ns["top"](r)] == ["dan", "cat", "bob", "ann"]
    assert [ns["position"](r, p) for p in ("dan", "cat", "bob", "ann")] == [0, 1, 2, 3]
    assert {p: ns["competition_rank"](r, p) for p in ("dan", "cat", "bob", "ann")} == {
        "dan": 1,
        "cat": 2,
        "bob": 2,
        "ann": 2,
    }
    assert ns["position"](r, "nobody") is None and ns["competition_rank"](r, "nobody") is None
    assert ns["add_points"](r, "eve", 5) == 5.0  # a new member starts at 0


def test_multi_exec_has_no_rollback_after_a_runtime_error(redis_client, capsys):
    run_python("python/nosql/multi_no_rollback.py", redis_client=redis_client)
    assert "not an integer" in capsys.readouterr().out


def test_a_command_refused_when_queued_aborts_the_whole_transaction(redis_client):
    import redis

    r = redis_client
    pipe = r.pipeline(transaction=True)
    pipe.set("order:3", "placed")
    pipe.execute_command("SET", "order:4")  # wrong number of arguments: refused when queued
    with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
        pipe.execute()  # EXEC answers EXECABORT; redis-py reports the queued command's error
    assert r.exists("order:3") == 0


def test_zrevrange_is_documented_as_deprecated_since_6_2(redis_client):
    fields = redis_client.execute_command("COMMAND DOCS", "ZREVRANGE")["zrevrange"]
    assert fields["doc_flags"] == ["deprecated"] and fields["deprecated_since"] == "6.2.0"


# --- graph: Kuzu (here) and Neo4j (where Docker runs) --------------------------------------------

K = "kuzu/social.cypher"
N = "neo4j/social.cypher"
FOF = [("Dave", 2), ("Erin", 1)]
RECOMMENDED = [("Mug", 3), ("Toaster", 2)]


def kuzu_rows(conn: Any, query: str) -> list[tuple]:
    return [tuple(row) for row in conn.execute(query).get_all()]


@pytest.fixture
def graph(kuzu_conn):
    for name in ("schema", "data"):
        for statement in cypher(section(K, name)):
            kuzu_conn.execute(statement)
    return kuzu_conn


def test_kuzu_needs_its_schema_before_any_data(kuzu_conn):
    with pytest.raises(RuntimeError, match="Person does not exist"):
        kuzu_conn.execute("CREATE (:Person {id: 1, name: 'Alice'})")


def test_the_briefs_friends_of_friends_includes_direct_friends(graph):
    [query] = cypher(section(K, "fof-every-hop"))
    names = {row[0] for row in kuzu_rows(graph, query)}
    assert names == {"Bob", "Carol", "Dave", "Erin"}
    direct = {
        r[0] for r in kuzu_rows(graph, "MATCH (:Person {id: 1})-[:FRIENDS_WITH]-(f) RETURN f.name")
    }
    assert direct == {"Bob", "Carol"} and direct <= names


def test_kuzu_paths_may_walk_back_to_the_start(graph):
    # Kuzu matches walks: a path may reuse a relationship, so two hops lead back to Alice.
    # Neo4j does not reuse a relationship within one MATCH pattern, and would not return her.
    walk = "MATCH (a:Person {id: 1})-[:FRIENDS_WITH*2]-(x) RETURN DISTINCT x.name"
    assert "Alice" in {r[0] for r in kuzu_rows(graph, walk)}
    fixed = (
        "MATCH (me:Person {id: 1})-[:FRIENDS_WITH]-(:Person)-[:FRIENDS_WITH]-(fof:Person) "
        "WHERE NOT (me)-[:FRIENDS_WITH]-(fof) RETURN DISTINCT fof.name"
    )
    assert "Alice" in {r[0] for r in kuzu_rows(graph, fixed)}  # hence `fof.id <> me.id`
    buyers = "MATCH (me:Person {id: 1})-[:PURCHASED]->(:Product)<-[:PURCHASED]-(o) RETURN o.name"
    assert "Alice" in {r[0] for r in kuzu_rows(graph, buyers)}  # hence `other.id <> me.id`


def test_friends_of_friends_on_kuzu(graph):
    [query] = cypher(section(K, "fof"))
    assert kuzu_rows(graph, query) == FOF


def test_recommendations_on_kuzu(graph):
    [query] = cypher(section(K, "recommend"))
    rows = kuzu_rows(graph, query)
    assert rows == RECOMMENDED
    bought = {
        r[0] for r in kuzu_rows(graph, "MATCH (:Person {id: 1})-[:PURCHASED]->(p) RETURN p.name")
    }
    assert bought == {"Kettle", "Teapot"} and not bought & {p for p, _ in rows}


def test_the_graph_holds_what_the_page_says(graph):
    counts = [
        kuzu_rows(graph, f"MATCH {p} RETURN count(*)")[0][0]
        for p in ("(:Person)", "()-[:FRIENDS_WITH]->()", "(:Product)", "()-[:PURCHASED]->()")
    ]
    assert counts == [6, 7, 5, 13]
    star = "MATCH (a:Person {id: 1})-[:FRIENDS_WITH*%s]-(x) RETURN x.name ORDER BY x.name"
    assert kuzu_rows(graph, star % "2") == kuzu_rows(graph, star % "2..2")


def test_a_name_filter_drops_a_namesake_the_id_filter_keeps(graph):
    graph.execute("CREATE (:Person {id: 7, name: 'Alice'})")
    graph.execute(
        "MATCH (a:Person {id: 4}), (b:Person {id: 7}) CREATE (a)-[:FRIENDS_WITH {since: 2025}]->(b)"
    )
    [brief] = cypher(section(K, "fof-every-hop"))
    [fof] = cypher(section(K, "fof"))
    assert "Alice" not in {r[0] for r in kuzu_rows(graph, brief)}
    assert ("Alice", 1) not in kuzu_rows(graph, fof)  # Dave's friend is three hops away …
    graph.execute(
        "MATCH (a:Person {id: 2}), (b:Person {id: 7}) CREATE (a)-[:FRIENDS_WITH {since: 2025}]->(b)"
    )
    assert ("Alice", 1) in kuzu_rows(graph, fof)  # … a friend of Bob's is two
    assert "Alice" not in {r[0] for r in kuzu_rows(graph, brief)}


def test_recommendation_details(graph):
    [query] = cypher(section(K, "recommend"))
    co_buyers = (
        "MATCH (me:Person {id: 1})-[:PURCHASED]->(:Product)<-[:PURCHASED]-(o:Person) "
        "WHERE o.id <> me.id RETURN DISTINCT o.name ORDER BY o.name"
    )
    assert [r[0] for r in kuzu_rows(graph, co_buyers)] == ["Bob", "Carol", "Erin", "Frank"]
    paths = query.replace("count(DISTINCT other)", "count(*)")
    assert kuzu_rows(graph, paths) == [("Mug", 4), ("Toaster", 2)]  # Bob's mug counted twice
    unfiltered = query.replace("WHERE other.id <> me.id\n", "")
    assert unfiltered != query and kuzu_rows(graph, unfiltered) == RECOMMENDED


def test_a_float_is_not_exactly_29_99():
    from decimal import Decimal

    assert Decimal(29.99) != Decimal("29.99")
    # the order document of the page's snippet: its total is its lines' sum, in integer cents
    source = (SNIPPETS / "python/nosql/orders.py").read_text()
    order = source[: source.index('"total_cents"') + 40]
    lines = re.findall(r'"quantity": (\d+), "price_cents": (\d+)', order)
    total = re.search(r'"total_cents": (\d+)', order)
    assert lines and total
    assert sum(int(q) * int(p) for q, p in lines) == int(total[1])


def test_the_neo4j_version_is_the_kuzu_version_without_ddl():
    # The queries are the same text on both engines; only the schema section differs.
    for name in ("data", "fof-every-hop", "fof", "recommend"):
        assert section(N, name) == section(K, name)


def neo4j_rows(session: Any, query: str) -> list[tuple]:
    return [tuple(record.values()) for record in session.run(query)]


def test_the_same_answers_on_neo4j(neo4j_session):
    for name in ("schema", "data"):
        for statement in cypher(section(N, name)):
            neo4j_session.run(statement).consume()
    [fof] = cypher(section(N, "fof"))
    [recommend] = cypher(section(N, "recommend"))
    [brief] = cypher(section(N, "fof-every-hop"))
    assert neo4j_rows(neo4j_session, fof) == FOF
    assert neo4j_rows(neo4j_session, recommend) == RECOMMENDED
    assert {r[0] for r in neo4j_rows(neo4j_session, brief)} == {"Bob", "Carol", "Dave", "Erin"}
    walk = "MATCH (a:Person {id: 1})-[:FRIENDS_WITH*2]-(x) RETURN DISTINCT x.name"
    assert "Alice" not in {r[0] for r in neo4j_rows(neo4j_session, walk)}


# --- documents: MongoDB (where Docker runs) ------------------------------------------------------


def test_embedded_and_referenced_orders_on_mongodb(mongo_db):
    import pymongo.errors

    run_python("python/nosql/orders.py", mongo_db=mongo_db)
    assert mongo_db.orders.count_documents({}) == 1
    assert mongo_db.client.max_bson_size == 16 * 1024 * 1024  # the 16 MB document limit
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        mongo_db.orders.insert_one({"_id": "order_123"})  # _id is unique in a collection


def test_buckets_never_exceed_their_size_on_mongodb(mongo_db):
    ns = run_python("python/nosql/buckets.py", mongo_db=mongo_db)
    size = ns["BUCKET_SIZE"]
    counts = [b["count"] for b in mongo_db.readings.find()]
    assert counts and max(counts) <= size
    assert all(len(b["readings"]) == b["count"] for b in mongo_db.readings.find())


def test_a_time_series_collection_buckets_the_readings_itself_on_mongodb(mongo_db):
    run_python("mongodb/timeseries.py", mongo_db=mongo_db)
    [info] = mongo_db.list_collections(filter={"name": "sensor_readings"})
    assert info["type"] == "timeseries"
    settings = info["options"]["timeseries"]
    assert (settings["timeField"], settings["metaField"], settings["granularity"]) == (
        "ts",
        "sensor",
        "minutes",
    )
    assert mongo_db.sensor_readings.count_documents({}) == 250  # one document per reading …
    stats = next(mongo_db.sensor_readings.aggregate([{"$collStats": {"storageStats": {}}}]))
    buckets = stats["storageStats"]["timeseries"]["bucketCount"]
    assert 1 <= buckets < 250  # … stored in fewer buckets, by the server


# --- wide column: Cassandra (where Docker runs) --------------------------------------------------

C = "cassandra/sensor_readings.cql"


def test_partition_key_clustering_order_and_filtering_on_cassandra(cassandra_session):
    from cassandra import InvalidRequest

    s = cassandra_session
    for name in ("table", "data"):
        for statement in split_statements(section(C, name)):
            s.execute(statement.text.rstrip(";"))
    day, days = [t.text.rstrip(";") for t in split_statements(section(C, "query"))]
    assert [r.value for r in s.execute(day)] == [23.5, 23.4]  # newest first, as clustered
    assert len(list(s.execute(days))) == 3
    # Without the whole partition key, Cassandra refuses rather than scan every partition.
    with pytest.raises(InvalidRequest, match="ALLOW FILTERING"):
        s.execute("SELECT * FROM sensor_readings WHERE bucket_date = '2024-01-15'")
