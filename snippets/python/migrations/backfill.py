# example: fixtures=conn
"""Backfilling a large table: one set-based UPDATE per batch, keyset over the key, a commit and
a checkpoint per batch, a pause between batches; a restart resumes where the last commit was."""

import time

from psycopg import sql

# --8<-- [start:backfill]
PROGRESS = """
CREATE TABLE IF NOT EXISTS backfill_progress (
    job        text PRIMARY KEY,
    last_key   text,                 -- the key type's text form: bigint, uuid, text all fit
    rows_done  bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
)"""

BATCH = """
WITH batch AS (
    SELECT {key} FROM {table} {after} ORDER BY {key} LIMIT %(size)s
), updated AS (
    UPDATE {table} SET {set_sql} WHERE {key} IN (SELECT {key} FROM batch) RETURNING 1
), last AS (
    SELECT {key}::text AS k FROM batch ORDER BY {key} DESC LIMIT 1
)
INSERT INTO backfill_progress AS p (job, last_key, rows_done)
SELECT %(job)s, last.k, (SELECT count(*) FROM updated) FROM last
ON CONFLICT (job) DO UPDATE
    SET last_key = excluded.last_key, rows_done = p.rows_done + excluded.rows_done,
        updated_at = now()
RETURNING last_key
"""


def backfill(conn, table, key, set_sql, batch_size=1000, throttle_s=0.0, job=None, on_batch=None):
    """UPDATE `table` SET `set_sql` in batches of `batch_size` rows in `key` order; the number of
    batches this call committed. `conn` is in autocommit mode; each batch is one transaction that
    also moves the job's checkpoint, so a crash loses at most the batch in flight, and calling
    again with the same `job` resumes after the last committed batch. `set_sql` is trusted SQL."""
    job = job or f"{table}.{key}"
    conn.execute(PROGRESS)
    key_type = conn.execute(  # e.g. bigint or uuid: the checkpoint is cast back to it
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attname = %s",
        (table, key),
    ).fetchone()[0]
    row = conn.execute("SELECT last_key FROM backfill_progress WHERE job = %s", (job,)).fetchone()
    last_key = row[0] if row else None
    batches = 0
    while True:
        after = sql.SQL("")
        if last_key is not None:
            after = sql.SQL("WHERE {key} > {last}::{type}").format(
                key=sql.Identifier(key), last=sql.Literal(last_key), type=sql.SQL(key_type)
            )
        statement = sql.SQL(BATCH).format(
            key=sql.Identifier(key),
            table=sql.Identifier(table),
            after=after,
            set_sql=sql.SQL(set_sql),
        )
        with conn.transaction():  # the batch and its checkpoint commit together, or neither
            done = conn.execute(statement, {"size": batch_size, "job": job}).fetchone()
            if done is None:  # no row after the checkpoint: finished
                return batches
            if on_batch:
                on_batch(batches + 1, done[0])
        last_key = done[0]
        batches += 1
        time.sleep(throttle_s)  # leave room for the application's own queries, and for vacuum


# --8<-- [end:backfill]


# --8<-- [start:use]
if __name__ == "__example__":
    # Expand: a new column, nullable, no default: no rewrite, a short ACCESS EXCLUSIVE lock.
    conn.execute("SET lock_timeout = '2s'")
    conn.execute("ALTER TABLE orders ADD COLUMN total_cents bigint")
    batches = backfill(
        conn,
        "orders",
        "id",
        "total_cents = (total * 100)::bigint",
        batch_size=5000,
        throttle_s=0.01,
    )
    left = conn.execute("SELECT count(*) FROM orders WHERE total_cents IS NULL").fetchone()[0]
    print(f"{batches} batches, {left} rows left")
    assert (batches, left) == (4, 0)  # 20,000 orders
# --8<-- [end:use]
