# example: fixtures=shard_urls
"""Moving a table to another database: dual write, backfill, verify, cut over. The two throwaway
databases stand for the old system and the new one; nothing below relies on them being the same
engine — rows are compared as the application sees them, not by an engine's own checksum."""

import hashlib

import psycopg

source, target = (psycopg.connect(url, autocommit=True) for url in shard_urls)
SCHEMA = """CREATE TABLE customers (
    id bigint PRIMARY KEY, email text NOT NULL, name text NOT NULL, created_at timestamptz NOT NULL
)"""
source.execute(SCHEMA)
source.execute(
    "INSERT INTO customers SELECT i, 'c' || i || '@example.com', 'Customer ' || i, "
    "timestamptz '2025-01-01' + i * interval '1 hour' FROM generate_series(1, 900) AS i"
)
target.execute(SCHEMA)  # in a real move: the new system's schema, types mapped


# --8<-- [start:store]
class CustomerStore:
    """The application's only way to write customers; `mode` moves through the migration:
    "source" → "dual" (source first, it stays the truth) → "frozen" → "target"."""

    UPSERT = (
        "INSERT INTO customers VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO UPDATE "
        "SET email = excluded.email, name = excluded.name, created_at = excluded.created_at"
    )

    def __init__(self, source, target):
        self.source, self.target, self.mode = source, target, "source"

    def save(self, row):
        if self.mode == "frozen":
            raise RuntimeError("writes are paused for the cutover")
        primary = self.target if self.mode == "target" else self.source
        primary.execute(self.UPSERT, row)
        if self.mode == "dual":
            self.target.execute(self.UPSERT, row)  # a failure here is what verify() catches

    def get(self, customer_id):
        db = self.target if self.mode == "target" else self.source
        return db.execute("SELECT * FROM customers WHERE id = %s", [customer_id]).fetchone()


# --8<-- [end:store]


# --8<-- [start:backfill]
def copy_range(source, target, table, lo, hi):
    """Make target's rows with lo <= id <= hi equal to source's (rows are few per range)."""
    rows = source.execute(f"SELECT * FROM {table} WHERE id BETWEEN %s AND %s", [lo, hi]).fetchall()
    with target.transaction():
        target.execute(f"DELETE FROM {table} WHERE id BETWEEN %s AND %s", [lo, hi])
        with target.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)", rows)


def backfill(source, target, table, batch=250):
    """Copy the rows written before dual write started: keyset batches, existing rows kept
    (a row already in target came from a dual write and is at least as new)."""
    last = 0
    while True:
        rows = source.execute(
            f"SELECT * FROM {table} WHERE id > %s ORDER BY id LIMIT %s", [last, batch]
        ).fetchall()
        if not rows:
            return
        with target.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {table} VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING", rows
            )
        last = rows[-1][0]


# --8<-- [end:backfill]


# --8<-- [start:verify]
def checksums(db, table, bucket):
    """Per range of `bucket` ids: (row count, sha256 of the rows in id order), computed on
    the rows as the application reads them, so that two different engines compare equal."""
    sums = {}
    with db.transaction(), db.cursor(name=f"verify_{table}") as cur:  # streamed, not loaded
        cur.execute(f"SELECT * FROM {table} ORDER BY id")
        for row in cur:
            k = (row[0] - 1) // bucket
            n, h = sums.get(k) or (0, hashlib.sha256())
            h.update(repr(tuple(row)).encode() + b"\n")
            sums[k] = (n + 1, h)
    return {k: (n, h.hexdigest()) for k, (n, h) in sums.items()}


def verify(source, target, table, bucket=100):
    """The id ranges where the two databases differ: [] means consistent."""
    a, b = checksums(source, table, bucket), checksums(target, table, bucket)
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    return [(k * bucket + 1, (k + 1) * bucket) for k in differ]


# --8<-- [end:verify]


# --8<-- [start:move]
store = CustomerStore(source, target)
store.mode = "dual"  # 1. every write from now on goes to both
for i in range(901, 1001):  # new customers arrive while the move runs
    store.save((i, f"c{i}@example.com", f"Customer {i}", "2026-01-01"))
store.save((7, "seven@example.com", "Customer 7", "2025-01-01 07:00+00"))  # an old one changes
backfill(source, target, "customers")  # 2. copy what was there before dual write


def report(step):
    count = target.execute("SELECT count(*) FROM customers").fetchone()[0]
    differ = verify(source, target, "customers")
    print(f"{step}: {'consistent' if not differ else differ} ({count} rows)")


report("after dual write and backfill")  # 3. verify

# A dual write whose second half failed (a timeout, a deploy, a bug): only the source has it.
source.execute("UPDATE customers SET email = 'lost@example.com' WHERE id = 42")
for lo, hi in verify(source, target, "customers"):
    print(f"after a lost write: customers ids {lo}-{hi} differ")
    copy_range(source, target, "customers", lo, hi)  # repair only the range that differs
report("after repair")

store.mode = "frozen"  # 4. cutover: pause writes, check once more, switch
assert verify(source, target, "customers") == []
store.mode = "target"
store.save((1001, "c1001@example.com", "Customer 1001", "2026-02-01"))
assert store.get(1001) and not source.execute("SELECT 1 FROM customers WHERE id = 1001").fetchone()
print("cut over: reads and writes go to the target")
# --8<-- [end:move]
