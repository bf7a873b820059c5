# example: fixtures=conn,shard_urls
"""A shard router: customers and their orders spread over two databases by customer id."""

import zlib
from contextlib import ExitStack

import psycopg

# --8<-- [start:router]
BUCKETS = 64  # fixed for the life of the data; shards own buckets, not keys


class ShardRouter:
    def __init__(self, urls):
        self.shards = [psycopg.connect(url, autocommit=True) for url in urls]
        # Bucket b lives on shard b % n. Moving a bucket to a new shard changes this map
        # and moves that bucket's rows; no other key moves.
        self.bucket_map = {b: b % len(self.shards) for b in range(BUCKETS)}
        self.queried = []  # which shards each call touched, for the curious (and the tests)

    def bucket(self, customer_id):
        # A stable hash: the same key gives the same bucket in every process, on every
        # machine. Python's hash() of a str does not (it is salted per process).
        return zlib.crc32(str(customer_id).encode()) % BUCKETS

    def shard_for(self, customer_id):
        return self.bucket_map[self.bucket(customer_id)]

    def orders_of(self, customer_id):
        """A single-customer query: one shard."""
        shard = self.shard_for(customer_id)
        self.queried.append([shard])
        return self.shards[shard].execute(
            "SELECT id, status, total FROM orders WHERE customer_id = %s ORDER BY id",
            [customer_id],
        ).fetchall()

    def revenue_by_region(self):
        """A cross-shard query: every shard answers, the router merges."""
        self.queried.append(list(range(len(self.shards))))
        totals = {}
        for shard in self.shards:
            for region, revenue in shard.execute(
                "SELECT c.region, sum(o.total) FROM orders AS o "
                "JOIN customers AS c ON c.id = o.customer_id GROUP BY c.region"
            ):
                totals[region] = totals.get(region, 0) + revenue
        return dict(sorted(totals.items()))
# --8<-- [end:router]

    def close(self):
        for shard in self.shards:
            shard.close()


# --8<-- [start:load]
SCHEMA = """
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, region text NOT NULL);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL,
    total numeric(12,2) NOT NULL
);
"""
router = ShardRouter(shard_urls)
for shard in router.shards:
    shard.execute(SCHEMA)

# Move the sample's customers and orders (from `conn`) to the shard of their customer:
# a customer's orders live with the customer, so joining them never crosses shards.
for table, columns, customer_column in (
    ("customers", "id, name, region", 0),
    ("orders", "id, customer_id, status, total", 1),
):
    rows = conn.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
    with ExitStack() as stack:
        copies = [
            stack.enter_context(shard.cursor().copy(f"COPY {table} ({columns}) FROM STDIN"))
            for shard in router.shards
        ]
        for row in rows:
            copies[router.shard_for(row[customer_column])].write_row(row)
# --8<-- [end:load]

# --8<-- [start:use]
print([s.execute("SELECT count(*) FROM orders").fetchone()[0] for s in router.shards])
print(router.shard_for(123), router.orders_of(123)[:2])
print(router.revenue_by_region())
print(router.queried)
# --8<-- [end:use]
router.close()
