# example: fixtures=redis_client
"""Rate limiting in Redis: a fixed window in two calls, the atomic fix, SET … NX then INCR (not
atomic either), and a sliding window.

Every function that computes a window takes the time as `now` (seconds): the tests control
the clock, no sleeps.
"""

import uuid


# --8<-- [start:two-calls]
def is_rate_limited_two_calls(r, user_id, now, limit=100, window=60):
    """The common version: INCR, then EXPIRE in a second round trip."""
    key = f"rate:{user_id}:{int(now // window)}"
    current = r.incr(key)
    if current == 1:
        # A process that dies here leaves the key without a TTL: it never expires.
        r.expire(key, window)
    return current > limit
# --8<-- [end:two-calls]


# --8<-- [start:fixed]
# INCR and EXPIRE … NX (Redis 7.0+) in one script: Redis runs it atomically, so there is no
# moment at which the counter exists without an expiry. NX sets the TTL only when the key has
# none — and so also repairs a counter that the two-call version left without one.
FIXED_WINDOW = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return count
"""


def is_rate_limited(r, user_id, now, limit=100, window=60):
    """Fixed window: at most `limit` requests per calendar window of `window` seconds."""
    key = f"rate:{user_id}:{int(now // window)}"
    count = r.eval(FIXED_WINDOW, 1, key, window)
    return count > limit
# --8<-- [end:fixed]


# --8<-- [start:set-nx]
def is_rate_limited_set_nx(r, user_id, limit=100, window=60):
    """Also often shown: one key per user, created with its TTL (the window), then counted."""
    key = f"rate:{user_id}"
    r.set(key, 0, ex=window, nx=True)  # does nothing while the key exists …
    # … and if the key expires right here, INCR creates a new one, without a TTL.
    return r.incr(key) > limit
# --8<-- [end:set-nx]


# --8<-- [start:sliding]
# A log of the accepted requests in a sorted set scored by time. One script: drop what has left
# the window, count what is left, and record this request only if it is under the limit.
SLIDING_WINDOW = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
    return 1
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return 0
"""


def is_rate_limited_sliding(r, user_id, now, limit=100, window=60):
    """Sliding window: at most `limit` accepted requests in any `window` seconds."""
    # Each request needs a member of its own: two requests at the same `now` are two entries.
    member = f"{now}:{uuid.uuid4().hex}"
    return r.eval(SLIDING_WINDOW, 1, f"rate:sliding:{user_id}", now, window, limit, member) == 1
# --8<-- [end:sliding]


# --8<-- [start:use]
r = redis_client
t = 1_700_000_000.0  # any time; the key names the window it falls in

assert [is_rate_limited(r, "u1", t, limit=3) for _ in range(4)] == [False, False, False, True]
assert 0 < r.ttl(f"rate:u1:{int(t // 60)}") <= 60

assert [is_rate_limited_sliding(r, "u1", t, limit=3) for _ in range(4)] == [
    False, False, False, True
]
assert is_rate_limited_sliding(r, "u1", t + 60, limit=3) is False  # the first three have left
# --8<-- [end:use]
