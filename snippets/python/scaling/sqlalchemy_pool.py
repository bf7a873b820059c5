# example: fixtures=pg_url
"""SQLAlchemy's connection pool: its size, its overflow, its timeout, and pre-ping."""

import time

from sqlalchemy import NullPool, create_engine, exc, make_url, text

url = make_url(pg_url).set(drivername="postgresql+psycopg")

# --8<-- [start:exhaustion]
engine = create_engine(
    url,
    pool_size=2,  # connections kept open in the pool
    max_overflow=1,  # extra connections opened under load, closed when returned
    pool_timeout=0.2,  # seconds a checkout waits for a free connection, then TimeoutError
    pool_pre_ping=True,  # test each connection at checkout; replace it if it is dead
    pool_recycle=1800,  # replace connections older than 30 minutes at checkout
)
held = [engine.connect() for _ in range(3)]  # pool_size + max_overflow: the limit
start = time.monotonic()
try:
    engine.connect()
except exc.TimeoutError as e:
    waited = time.monotonic() - start
    print(f"waited {waited:.1f}s: {type(e).__name__}: {str(e).splitlines()[0]}")
for connection in held:
    connection.close()  # back to the pool: two are kept, the overflow one is closed
print(engine.pool.status())
# --8<-- [end:exhaustion]

engine.dispose()

# --8<-- [start:pre-ping]
# The server ends a pooled session: a restart, a failover, idle_session_timeout, an admin.
for pre_ping in (False, True):
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_pre_ping=pre_ping)
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with create_engine(url, poolclass=NullPool).connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    try:
        with engine.connect() as connection:  # the same pooled connection, now dead
            new_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        print(f"pool_pre_ping={pre_ping}: reconnected ({pid} -> {new_pid})")
    except exc.OperationalError as e:
        print(f"pool_pre_ping={pre_ping}: {type(e.orig).__name__}")
    engine.dispose()
# --8<-- [end:pre-ping]
