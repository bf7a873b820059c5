# example: fixtures=redis_client
"""A lock in Redis with an owner token, released only by its owner (compare-and-delete)."""

import secrets


# --8<-- [start:same-value]
def acquire_lock_same_value(r, resource_id, ttl=30):
    """The common lock: every holder writes the same value "1"."""
    return r.set(f"lock:{resource_id}", "1", nx=True, ex=ttl)


def release_lock_same_value(r, resource_id):
    """…so the only way to release it is a plain DEL — of whoever's lock is there now."""
    r.delete(f"lock:{resource_id}")
# --8<-- [end:same-value]


# --8<-- [start:lock]
# Delete the key only if it still holds our token. GET and DEL in one script: between a GET and
# a DEL sent separately, the lock could expire and be taken by someone else.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
# Extend the lock only if it is still ours.
EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


def acquire_lock(r, resource_id, ttl_ms=30_000):
    """A token if we got the lock, else None. SET … NX PX: the key and its expiry at once."""
    token = secrets.token_hex(16)
    if r.set(f"lock:{resource_id}", token, nx=True, px=ttl_ms):
        return token
    return None


def release_lock(r, resource_id, token):
    """True if we released our own lock; False if it had expired (and may be someone else's)."""
    return r.eval(RELEASE, 1, f"lock:{resource_id}", token) == 1


def extend_lock(r, resource_id, token, ttl_ms=30_000):
    """For work that may outlast the TTL: True only while the lock is still ours."""
    return r.eval(EXTEND, 1, f"lock:{resource_id}", token, ttl_ms) == 1
# --8<-- [end:lock]


# --8<-- [start:use]
r = redis_client
a = acquire_lock(r, "invoice:7")
assert a is not None
assert acquire_lock(r, "invoice:7") is None  # held: a second worker waits or gives up
assert extend_lock(r, "invoice:7", a)
assert release_lock(r, "invoice:7", a)
assert acquire_lock(r, "invoice:7") is not None  # free again
# --8<-- [end:use]
