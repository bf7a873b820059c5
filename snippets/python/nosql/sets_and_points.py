# example: fixtures=redis_client
"""What core Redis offers besides keys and counters: sets of ids, and points in a radius."""

r = redis_client

# Who follows whom: one set of ids per user. Redis keeps the sets; the application walks them.
r.sadd("follows:alice", "bob", "carol")
r.sadd("follows:bob", "carol", "dave")
r.sadd("follows:carol", "erin")
first_hop = r.smembers("follows:alice")
# The next hop needs keys built from the answer: a second round trip, composed by the application.
second_hop = r.sunion([f"follows:{user}" for user in sorted(first_hop)])
print(sorted(second_hop - first_hop - {"alice"}))

# Points: GEOADD stores longitude and latitude, GEOSEARCH finds those within a radius or a box.
r.geoadd("stores", [-73.9855, 40.7580, "times-square", -73.9772, 40.7527, "grand-central"])
r.geoadd("stores", [-0.1276, 51.5072, "london"])
near = r.geosearch(
    "stores", longitude=-73.98, latitude=40.755, radius=5, unit="km", sort="ASC", withdist=True
)
print([(name, round(km, 2)) for name, km in near])
