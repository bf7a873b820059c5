# example: fixtures=conn,redis_client
"""Redis in front of PostgreSQL: cache-aside reads, invalidation, and versioned write-through."""

import json

# --8<-- [start:cache-aside]
TTL = 3600  # seconds: the longest a stale entry can survive, whatever else goes wrong
USER = "SELECT id, email, full_name, version FROM users WHERE id = %s"


def key(user_id):
    return f"user:{user_id}"


def load_user(conn, user_id):
    """The row from PostgreSQL, as a dict."""
    cur = conn.execute(USER, [user_id])
    return dict(zip([c.name for c in cur.description], cur.fetchone(), strict=True))


def get_user(conn, r, user_id):
    """Cache-aside: the cache first; on a miss, PostgreSQL, then fill the cache."""
    cached = r.get(key(user_id))
    if cached is not None:
        return json.loads(cached)
    user = load_user(conn, user_id)
    r.set(key(user_id), json.dumps(user), ex=TTL)
    return user


def rename_user(conn, r, user_id, full_name):
    """Invalidation: change the row, then delete the cached copy."""
    conn.execute(
        "UPDATE users SET full_name = %s, version = version + 1 WHERE id = %s",
        [full_name, user_id],
    )
    r.delete(key(user_id))
# --8<-- [end:cache-aside]


# --8<-- [start:versioned]
# SET the entry only if it is newer than what the cache holds. Redis runs a script atomically.
SET_IF_NEWER = r"""
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).version >= tonumber(ARGV[2]) then
    return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""


def cache_if_newer(r, user):
    return r.eval(SET_IF_NEWER, 1, key(user["id"]), json.dumps(user), user["version"], TTL)


def get_user_versioned(conn, r, user_id):
    """Cache-aside whose fill cannot overwrite a newer entry."""
    cached = r.get(key(user_id))
    if cached is not None:
        return json.loads(cached)
    user = load_user(conn, user_id)
    cache_if_newer(r, user)
    return user


def rename_user_write_through(conn, r, user_id, full_name):
    """Write-through: the UPDATE returns the new row and its version; cache that."""
    cur = conn.execute(
        "UPDATE users SET full_name = %s, version = version + 1 WHERE id = %s "
        "RETURNING id, email, full_name, version",
        [full_name, user_id],
    )
    user = dict(zip([c.name for c in cur.description], cur.fetchone(), strict=True))
    cache_if_newer(r, user)
    return user
# --8<-- [end:versioned]


# --8<-- [start:use]
# The version column the cache compares. Every UPDATE of a cached row must bump it.
conn.execute("ALTER TABLE users ADD COLUMN version bigint NOT NULL DEFAULT 1")
r = redis_client

first = get_user(conn, r, 42)  # a miss: from PostgreSQL
assert get_user(conn, r, 42) == first  # a hit: from Redis
rename_user(conn, r, 42, "Ada Lovelace")
assert get_user(conn, r, 42)["full_name"] == "Ada Lovelace"  # deleted, so reloaded

rename_user_write_through(conn, r, 42, "Ada King")
assert json.loads(r.get(key(42)))["full_name"] == "Ada King"  # cached by the write
assert get_user_versioned(conn, r, 42)["version"] == 3
assert 0 < r.ttl(key(42)) <= TTL
# --8<-- [end:use]
