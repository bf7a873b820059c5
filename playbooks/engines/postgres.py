"""Fresh PostgreSQL databases cloned from prepared templates: one per example, nothing shared."""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections.abc import Iterator
from typing import Any

from .. import paths
from . import Server
from .readiness import connect

EXTENSIONS = ("postgis", "hypopg", "pg_trgm", "btree_gist", "ltree", "citext", "pg_stat_statements")
# none: extensions only; schema: + the sample schema and its generator; sample/large: + data.
DATA_LEVELS = ("none", "schema", "sample", "large")
SCALE = {"sample": 20_000, "large": 200_000}
_BASE = {"schema": "none", "sample": "schema", "large": "schema"}


class Databases:
    """Creates templates lazily, then clones them (CREATE DATABASE … TEMPLATE) in tens of ms."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self._tag = uuid.uuid4().hex[:10]
        self._templates: dict[str, str] = {}
        self._created: list[str] = []
        self._counter = itertools.count(1)
        self._admin_conn: Any = None

    @contextlib.contextmanager
    def _admin(self) -> Iterator[Any]:
        """One maintenance connection, kept open: a new one per clone would double its cost."""
        if self._admin_conn is None or self._admin_conn.closed:
            self._admin_conn = connect(self.server, autocommit=True)
        yield self._admin_conn

    def template(self, data: str) -> str:
        if data not in DATA_LEVELS:
            raise ValueError(f"unknown data level {data!r}; known: {', '.join(DATA_LEVELS)}")
        if data in self._templates:
            return self._templates[data]
        name = f"dbarch_tpl_{data}_{self._tag}"
        base = _BASE.get(data)
        with self._admin() as admin:
            clause = f" TEMPLATE {self.template(base)} STRATEGY FILE_COPY" if base else ""
            admin.execute(f"CREATE DATABASE {name}{clause}")
        self._created.append(name)
        try:
            with connect(self.server, name, autocommit=True) as conn:
                _fill(conn, data)
        except BaseException:
            self.drop(name)
            raise
        self._templates[data] = name
        return name

    def create(self, data: str = "sample") -> str:
        """A new database holding `data`; its name."""
        template = self.template(data)
        name = f"dbarch_ex_{self._tag}_{next(self._counter)}"
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        self._created.append(name)
        return name

    def create_sample(self, n_orders: int, name: str) -> str:
        """A database `name` holding the sample data generated for `n_orders` orders."""
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {self.template('schema')}")
        self._created.append(name)
        with connect(self.server, name, autocommit=True) as conn:
            conn.execute("SELECT generate_sample_data(%s)", (n_orders,))
            conn.execute("VACUUM ANALYZE")
        return name

    def drop(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._created.remove(name)

    def close(self) -> None:
        """Drop everything created here (only matters on a server we did not start)."""
        for name in reversed(list(self._created)):
            self.drop(name)
        if self._admin_conn is not None:
            self._admin_conn.close()


def _fill(conn: Any, data: str) -> None:
    if data == "none":
        for ext in EXTENSIONS:
            conn.execute(f"CREATE EXTENSION IF NOT EXISTS {ext}")
    elif data == "schema":
        for part in ("schema.sql", "generate.sql"):
            conn.execute((paths.SNIPPETS / "postgres" / "schema" / part).read_text())
    else:
        conn.execute("SELECT generate_sample_data(%s)", (SCALE[data],))
        conn.execute("VACUUM ANALYZE")
