# example: fixtures=conn
"""The delta trigger of cached-total-trigger.sql at each isolation level: two transactions that
overlap add a line to the same order."""

from pathlib import Path

import psycopg

# The trigger the page shows, installed on this fresh copy of the sample data.
conn.execute(Path(__file__).with_name("cached-total-trigger.sql").read_text())

# --8<-- [start:race]
ADD_LINE = (
    "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) "
    "SELECT 20000, %s, id, 1, price FROM products WHERE id = %s"
)
CONSISTENT = (
    "SELECT total = (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = id) "
    "FROM orders WHERE id = 20000"
)
consistent = []  # after each race: does the total equal the sum of the lines?


def two_writers(isolation: str, line_no: int) -> None:
    """Both transactions read the order; the first adds a line and commits, then the second
    adds one: its trigger updates the order row the first one changed."""
    first = psycopg.connect(conn.info.dsn, autocommit=True)
    second = psycopg.connect(conn.info.dsn, autocommit=True)
    for tx in (first, second):
        tx.execute(f"BEGIN ISOLATION LEVEL {isolation}")
        tx.execute("SELECT total FROM orders WHERE id = 20000")
    first.execute(ADD_LINE, (line_no, 7))
    first.execute("COMMIT")
    try:
        second.execute(ADD_LINE, (line_no + 1, 14))
        second.execute("COMMIT")
        print(f"{isolation}: the second committed")
    except psycopg.errors.SerializationFailure as e:
        second.execute("ROLLBACK")
        print(f"{isolation}: the second failed: {e.diag.message_primary} ({e.sqlstate})")
    consistent.append(conn.execute(CONSISTENT).fetchone()[0])
    first.close()
    second.close()


two_writers("READ COMMITTED", 10)
two_writers("REPEATABLE READ", 20)
two_writers("SERIALIZABLE", 30)
print(f"the total equals the sum of the lines after each: {all(consistent)}")
# --8<-- [end:race]
