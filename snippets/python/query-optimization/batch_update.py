# example: fixtures=conn
"""Shipping 200 paid orders: a loop of single UPDATEs against one set-based UPDATE."""

import psycopg

sent: list[str] = []


class CountingCursor(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        sent.append(query)
        return super().execute(query, params, **kwargs)


conn.cursor_factory = CountingCursor
paid = [
    order_id
    for (order_id,) in conn.execute(
        "SELECT id FROM orders WHERE status = 'paid' ORDER BY id LIMIT 200"
    ).fetchall()
]
loop_ids, batch_ids = paid[:100], paid[100:]

# BAD: one statement, one round trip and (in autocommit) one commit per order.
sent.clear()
for order_id in loop_ids:
    conn.execute(
        "UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = %s", [order_id]
    )
loop_statements = len(sent)

# GOOD: one statement; psycopg sends the Python list as one array parameter.
sent.clear()
cur = conn.execute(
    "UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = ANY(%s)", [batch_ids]
)
batch_statements, batch_rows = len(sent), cur.rowcount

print(f"loop: {loop_statements} statements; ANY: {batch_statements} statement, {batch_rows} rows")
assert (loop_statements, batch_statements, batch_rows) == (100, 1, 100)
