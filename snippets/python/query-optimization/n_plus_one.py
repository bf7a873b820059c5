# example: fixtures=conn
"""N+1 queries with psycopg 3, and the two ways out, with every statement counted."""

import psycopg

sent: list[str] = []


class CountingCursor(psycopg.Cursor):
    """Records every statement sent; conn.execute() goes through a cursor too."""

    def execute(self, query, params=None, **kwargs):
        sent.append(query)
        return super().execute(query, params, **kwargs)


conn.cursor_factory = CountingCursor

LATEST_PENDING = """
    SELECT id, customer_id, total FROM orders
    WHERE status = 'pending' ORDER BY created_at DESC LIMIT 50
"""


def n_plus_one(conn):
    """BAD: one query for the orders, then one per order for its customer."""
    rows = []
    for order_id, customer_id, total in conn.execute(LATEST_PENDING).fetchall():
        (name,) = conn.execute(
            "SELECT name FROM customers WHERE id = %s", [customer_id]
        ).fetchone()
        rows.append((order_id, name, total))
    return rows


def joined(conn):
    """GOOD: one JOIN."""
    return conn.execute("""
        SELECT o.id, c.name, o.total
        FROM orders AS o JOIN customers AS c ON c.id = o.customer_id
        WHERE o.status = 'pending' ORDER BY o.created_at DESC LIMIT 50
    """).fetchall()


def batched(conn):
    """GOOD: the orders, then all their customers in one query."""
    orders = conn.execute(LATEST_PENDING).fetchall()
    customer_ids = sorted({customer_id for _, customer_id, _ in orders})
    names = dict(
        conn.execute(
            "SELECT id, name FROM customers WHERE id = ANY(%s)", [customer_ids]
        ).fetchall()
    )
    return [(order_id, names[customer_id], total) for order_id, customer_id, total in orders]


results = {}
for fetch, expected in ((n_plus_one, 51), (joined, 1), (batched, 2)):
    sent.clear()
    results[fetch.__name__] = fetch(conn)
    print(f"{fetch.__name__}: {len(results[fetch.__name__])} orders, {len(sent)} statements")
    assert len(sent) == expected
assert results["n_plus_one"] == results["joined"] == results["batched"]
