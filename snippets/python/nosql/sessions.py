# example: fixtures=redis_client
"""Session storage in Redis: one key per session, an expiry that slides on every use."""

import json
import secrets

# --8<-- [start:code]
SESSION_TTL = 1800  # seconds of inactivity after which a session is gone


def session_key(session_id):
    return f"session:{session_id}"


def create_session(r, user_id, data):
    """A new session under an unguessable id; the value and its expiry are set in one command."""
    session_id = secrets.token_urlsafe(32)
    value = json.dumps({"user_id": user_id, **data})
    r.set(session_key(session_id), value, ex=SESSION_TTL, nx=True)
    return session_id


def load_session(r, session_id):
    """The session, or None; reading it restarts its expiry (GETEX … EX, Redis 6.2+)."""
    value = r.getex(session_key(session_id), ex=SESSION_TTL)
    return None if value is None else json.loads(value)


def end_session(r, session_id):
    """Log out: the key goes at once, not at the end of its TTL."""
    r.delete(session_key(session_id))
# --8<-- [end:code]


# --8<-- [start:use]
r = redis_client
sid = create_session(r, 42, {"cart": [101, 205]})
assert load_session(r, sid) == {"user_id": 42, "cart": [101, 205]}
assert 0 < r.ttl(session_key(sid)) <= SESSION_TTL
end_session(r, sid)
assert load_session(r, sid) is None
# --8<-- [end:use]
