# example: fixtures=redis_client
"""MULTI/EXEC is atomic (nothing runs in between) but has no rollback: a command that fails at
run time does not undo the others."""

import redis

r = redis_client
r.set("stock:kettle", "none")  # a string that is not a number
pipe = r.pipeline(transaction=True)  # MULTI … EXEC
pipe.set("order:1", "placed")
pipe.incr("stock:kettle")  # fails inside EXEC: not an integer
pipe.set("order:2", "placed")
try:
    pipe.execute()
except redis.ResponseError as e:
    print(e)  # Command # 2 (INCRBY stock:kettle 1) of pipeline caused error: …

assert r.get("order:1") == "placed" and r.get("order:2") == "placed"  # both still written
assert r.get("stock:kettle") == "none"
