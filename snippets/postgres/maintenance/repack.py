# example: fixtures=pg_url,pg_repack
"""Shrinking a bloated table with pg_repack (the client program and the extension of the same
name), which holds ACCESS EXCLUSIVE only for moments at the start and at the end."""

import os
import subprocess
from urllib.parse import unquote, urlsplit

import psycopg


# --8<-- [start:repack]
def repack(url, table, program, wait_timeout=60, timeout=300):
    """Rebuild `table` (schema.name; it needs a primary key or a unique NOT NULL index) with
    pg_repack. The database needs `CREATE EXTENSION pg_repack` once, and a superuser.
    `program` is the argv of the client of the extension's own version: on Debian, beside the
    server's programs and outside PATH, e.g. ("/usr/lib/postgresql/15/bin/pg_repack",) for
    PostgreSQL 15. A session that holds a lock on the table for longer than `wait_timeout`
    seconds makes pg_repack give up rather than cancel it. The password travels in the
    environment, never on the command line."""
    parts = urlsplit(url)
    argv = [*program, "--host", parts.hostname, "--port", str(parts.port),
            "--username", unquote(parts.username), "--dbname", parts.path.lstrip("/"),
            "--table", table, "--no-kill-backend", "--wait-timeout", str(wait_timeout)]
    env = {**os.environ, "PGPASSWORD": unquote(parts.password or "")}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    report = done.stderr.strip()  # pg_repack reports on stderr: INFO: repacking table …
    # A table skipped for want of its lock is not an error to pg_repack: it exits with 0.
    if done.returncode != 0 or "Skipping repack" in report:
        raise RuntimeError(f"pg_repack did not rebuild {table} ({done.returncode}): {report}")
    return report
# --8<-- [end:repack]


if __name__ == "__example__":
    # --8<-- [start:use]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_repack")
        conn.execute(
            "CREATE TABLE ledger (id bigint PRIMARY KEY, amount bigint NOT NULL, note text)"
        )
        conn.execute(
            "INSERT INTO ledger SELECT g, g % 1000, repeat('x', 120) "
            "FROM generate_series(1, 20000) AS g"
        )
        conn.execute("DELETE FROM ledger WHERE id % 10 <> 0")
        conn.execute("VACUUM ledger")
        size = "SELECT pg_relation_size('ledger')"
        before = conn.execute(size).fetchone()[0]
        print(repack(pg_url, "public.ledger", program=pg_repack))
        after = conn.execute(size).fetchone()[0]
        print(f"{before // 1024} kB -> {after // 1024} kB")
    # --8<-- [end:use]
