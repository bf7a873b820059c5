# example: fixtures=redis_client
"""A leaderboard in a Redis sorted set."""

# --8<-- [start:code]
BOARD = "leaderboard"


def add_points(r, player, points):
    """ZINCRBY creates the member at 0 if it is new; the new score comes back."""
    return r.zincrby(BOARD, points, player)


def top(r, n=10):
    """The first n, highest score first: [(player, score), …]."""
    return r.zrevrange(BOARD, 0, n - 1, withscores=True)


def position(r, player):
    """0-based place in the descending order (ZREVRANK); None if the player has no score."""
    return r.zrevrank(BOARD, player)


def competition_rank(r, player):
    """1 + the number of players with a strictly higher score: tied players share a rank."""
    score = r.zscore(BOARD, player)
    if score is None:
        return None
    return r.zcount(BOARD, f"({score}", "+inf") + 1
# --8<-- [end:code]


# --8<-- [start:use]
r = redis_client
r.zadd(BOARD, {"ada": 1000, "grace": 950, "alan": 950, "edsger": 700})
add_points(r, "edsger", 300)  # 700 + 300: now level with ada

assert top(r, 3) == [("edsger", 1000.0), ("ada", 1000.0), ("grace", 950.0)]
assert [position(r, p) for p in ("edsger", "ada")] == [0, 1]  # ties: distinct positions
assert [competition_rank(r, p) for p in ("edsger", "ada", "grace", "alan")] == [1, 1, 3, 3]
# --8<-- [end:use]
