"""The pytest plugin that runs every example of the handbook on real engines.

The root conftest.py loads it (`pytest_plugins = ["playbooks.testing"]`); it loads its parts, one
per concern:

* `options`: `--require-engines` and `--engine-versions`, and the policy they set: a test whose
  engine cannot be started is skipped with the reason, or fails when the run requires the engine;
* `servers`: one server per engine per session (`postgres_server`, `mariadb_server`, …): the
  matrix version's container, or local binaries, with their files in memory where there is room;
* `clients`: what examples and claim tests ask for (`conn`, `new_pg_db(data)`, `pg_url`,
  `mariadb_conn`, `redis_client`, …), each declared with its engines in playbooks/fixtures.py;
* `replicas`: a streaming primary and standby, PgBouncer, two shards;
* `examples`: every runnable example of the pages and snippets as the `example` / `sql_example`
  parameter, and `run_example`, which runs one through playbooks.runner;
* `summary`: the closing summary, per kind of example and per engine version, gathered from every
  xdist worker.
"""

pytest_plugins = [
    "playbooks.testing.options",
    "playbooks.testing.summary",
    "playbooks.testing.servers",
    "playbooks.testing.clients",
    "playbooks.testing.replicas",
    "playbooks.testing.examples",
]
