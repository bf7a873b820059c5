"""Client connections to a `Server`, and the check that it accepts them."""

from __future__ import annotations

from typing import Any

from . import Server


def connect(server: Server, database: str = "", **kwargs: Any) -> Any:
    """A client connection: psycopg for postgres, PyMySQL for mariadb, redis-py for redis."""
    if server.engine == "postgres":
        import psycopg

        return psycopg.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password or None,
            dbname=database or "postgres",
            **kwargs,
        )
    if server.engine == "mariadb":
        import pymysql

        return pymysql.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password,
            database=database or None,
            autocommit=True,
            **kwargs,
        )
    import redis

    return redis.Redis(
        host=server.host,
        port=server.port,
        password=server.password or None,
        decode_responses=True,
        **kwargs,
    )


def _connection_errors(engine: str) -> tuple[type[BaseException], ...]:
    if engine in ("mongodb", "cassandra", "neo4j"):
        return (Exception,)  # the drivers differ; any failure while starting means "not yet"
    if engine == "postgres":
        import psycopg

        return (psycopg.OperationalError,)
    if engine == "mariadb":
        import pymysql

        return (pymysql.err.OperationalError,)
    import redis

    return (redis.ConnectionError, redis.BusyLoadingError)


def ready(server: Server) -> bool:
    """True once the server answers a query; connection refusals mean "not yet"."""
    timeout = {
        "redis": {"socket_connect_timeout": 1},
        "postgres": {"connect_timeout": 1},
        "mariadb": {"connect_timeout": 1},
    }.get(server.engine, {})
    try:
        client = connect(server, **timeout)
    except _connection_errors(server.engine):
        return False
    try:
        if server.engine == "redis":
            client.ping()
            server.version = client.info("server")["redis_version"]
        elif server.engine == "mongodb":
            server.version = client.server_info()["version"]
        elif server.engine == "cassandra":
            server.version = client.execute("SELECT release_version FROM system.local").one()[0]
        elif server.engine == "neo4j":
            client.verify_connectivity()
            server.version = client.get_server_info().agent
        else:
            cur = client.cursor()
            cur.execute(
                "SHOW server_version" if server.engine == "postgres" else "SELECT version()"
            )
            server.version = cur.fetchone()[0]
        return True
    except _connection_errors(server.engine):
        return False
    finally:
        (client.shutdown if server.engine == "cassandra" else client.close)()
