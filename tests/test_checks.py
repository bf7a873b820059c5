"""The checks of `playbook check`, each proven on a real engine.

For every check: it finds its planted problem and only after it is planted; it is quiet on a
clean schema. For every finding that prints SQL: applying exactly that SQL (watched from a second
connection) takes the lock the finding names, removes the finding, makes no other finding appear,
and keeps what the schema guarantees (a unique rule still rejects a duplicate, a foreign key an
orphan, a partitioned index stays valid, a query the index served still uses an index); and the
revert brings the finding back. Then the rules that hold across checks: never drop an index that
enforces uniqueness, backs a constraint, is attached to a partitioned index or is the only one a
foreign key has; young statistics only give info.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from playbooks import checks
from playbooks.lint.observe import STRENGTH, mode_name, watch
from playbooks.replay import lock_waits, wait_for
from playbooks.sql import run_script, split_statements

CLEAN = """
CREATE TABLE parent (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE child (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id bigint NOT NULL REFERENCES parent (id)
);
CREATE INDEX child_parent_id_idx ON child (parent_id);
INSERT INTO parent (name) SELECT 'p' || i FROM generate_series(1, 100) AS i;
INSERT INTO child (parent_id) SELECT 1 + i % 100 FROM generate_series(1, 1000) AS i;
SELECT pg_stat_force_next_flush();  -- count the inserts before ANALYZE, not after it
ANALYZE;
SET enable_seqscan = off;
SELECT count(*) FROM child WHERE parent_id = 7;
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();
"""


@dataclass(frozen=True)
class Case:
    check: str
    plant: str
    found: str  # the object the finding names
    severity: str = "warning"
    # After the fix: statements and what each must do — an error name, True (the query returns
    # true), or "index" (its plan reads an index).
    holds: tuple[tuple[str, object], ...] = ()
    fixable: bool = True
    extra: dict = field(default_factory=dict)
    # False where the watch cannot see the lock (a VACUUM, which waits for no writer; a slot,
    # which is no table): a test of its own proves it.
    lock_seen: bool = True
    says: str = ""  # words the evidence must contain: why the other index is the one kept


CASES = {
    "invalid-index": Case(
        "invalid-indexes",
        "CREATE TABLE dup (v int); INSERT INTO dup VALUES (1), (1), (2);"
        "CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON dup (v);"  # fails, leaves it invalid
        "DELETE FROM dup WHERE ctid = (SELECT max(ctid) FROM dup WHERE v = 1);",
        "public.dup_v_key",
        severity="error",
        holds=(
            ("INSERT INTO dup VALUES (2)", "unique_violation"),
            ("SELECT indisvalid FROM pg_index WHERE indexrelid = 'dup_v_key'::regclass", True),
        ),
    ),
    "invalid-partitioned-index": Case(
        "invalid-indexes",
        "CREATE TABLE reading (id int NOT NULL, v int) PARTITION BY RANGE (id);"
        "CREATE TABLE reading_1 PARTITION OF reading FOR VALUES FROM (0) TO (1000);"
        "CREATE TABLE reading_2 PARTITION OF reading FOR VALUES FROM (1000) TO (2000);"
        "INSERT INTO reading SELECT i, i % 10 FROM generate_series(0, 1999) AS i;"
        "CREATE INDEX reading_v_idx ON ONLY reading (v);",
        "public.reading_v_idx",
        severity="error",
        holds=(
            ("SELECT indisvalid FROM pg_index WHERE indexrelid = 'reading_v_idx'::regclass", True),
            (
                "SELECT count(*) = 2 FROM pg_inherits WHERE inhparent = 'reading_v_idx'::regclass",
                True,
            ),
        ),
    ),
    "unused-index": Case(
        "unused-indexes",
        "CREATE TABLE t (id int PRIMARY KEY, v int); CREATE INDEX t_v_idx ON t (v);",
        "public.t_v_idx",
    ),
    "duplicate-index": Case(
        "duplicate-indexes",
        "CREATE TABLE d (id int PRIMARY KEY, v int);"
        "CREATE INDEX d_v_a ON d (v); CREATE INDEX d_v_b ON d (v);"
        "SET enable_seqscan = off; SELECT count(*) FROM d WHERE v = 1; RESET enable_seqscan;",
        "public.d_v_b",
        holds=(("EXPLAIN (FORMAT JSON) SELECT * FROM d WHERE v = 1", "index"),),
    ),
    "duplicate-of-a-newer-primary-key": Case(
        "duplicate-indexes",
        "CREATE TABLE k (id int NOT NULL, v int); CREATE INDEX k_id ON k (id);"
        "ALTER TABLE k ADD CONSTRAINT k_pkey PRIMARY KEY (id);",
        "public.k_id",
        holds=(("INSERT INTO k VALUES (1, 1), (1, 2)", "unique_violation"),),
        says="which a constraint or a partitioned index needs",
    ),
    "duplicate-plain-older-than-unique": Case(
        "duplicate-indexes",
        "CREATE TABLE u (id int PRIMARY KEY, code int);"
        "CREATE INDEX u_code ON u (code); CREATE UNIQUE INDEX u_code_key ON u (code);",
        "public.u_code",
        holds=(("INSERT INTO u VALUES (1, 7), (2, 7)", "unique_violation"),),
        says="same definition as public.u_code_key on public.u, which also enforces uniqueness",
    ),
    "duplicate-unique-weaker-than-nulls-not-distinct": Case(
        "duplicate-indexes",
        "CREATE TABLE nn (id int PRIMARY KEY, code int);"
        "CREATE UNIQUE INDEX nn_code ON nn (code);"
        "CREATE UNIQUE INDEX nn_code_nnd ON nn (code) NULLS NOT DISTINCT;",
        "public.nn_code",
        holds=(("INSERT INTO nn VALUES (1, NULL), (2, NULL)", "unique_violation"),),
    ),
    "duplicate-of-an-attached-partition-index": Case(
        "duplicate-indexes",
        "CREATE TABLE pt (id int NOT NULL, v int) PARTITION BY LIST (id);"
        "CREATE TABLE pt_1 PARTITION OF pt FOR VALUES IN (1);"
        "CREATE INDEX pt_v ON pt (v); CREATE INDEX pt_1_v_extra ON pt_1 (v);",
        "public.pt_1_v_extra",
        holds=(("SELECT indisvalid FROM pg_index WHERE indexrelid = 'pt_v'::regclass", True),),
    ),
    "redundant-index": Case(
        "redundant-indexes",
        "CREATE TABLE r (id int PRIMARY KEY, a int, b int);"
        "INSERT INTO r SELECT i, i % 100, i FROM generate_series(1, 5000) AS i; ANALYZE r;"
        "CREATE INDEX r_a_b ON r (a, b); CREATE INDEX r_a ON r (a);",
        "public.r_a",
        severity="info",
        holds=(("EXPLAIN (FORMAT JSON) SELECT * FROM r WHERE a = 1", "index"),),
    ),
    "fk-without-index": Case(
        "fk-without-index",
        "CREATE TABLE p (id int PRIMARY KEY); INSERT INTO p VALUES (1);"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));"
        "INSERT INTO c SELECT i, 1 FROM generate_series(1, 2000) AS i; ANALYZE c;",
        "public.c (p_id)",
        holds=(
            ("INSERT INTO c VALUES (9999, 42)", "foreign_key_violation"),
            ("EXPLAIN (FORMAT JSON) SELECT * FROM c WHERE p_id = 1", "index"),
        ),
    ),
    "fk-without-index-on-a-partitioned-table": Case(
        "fk-without-index",
        "CREATE TABLE p (id int PRIMARY KEY); INSERT INTO p VALUES (1);"
        "CREATE TABLE pc (id int NOT NULL, p_id int REFERENCES p (id)) PARTITION BY LIST (id);"
        "CREATE TABLE pc_1 PARTITION OF pc FOR VALUES IN (1);"
        "CREATE TABLE pc_2 PARTITION OF pc FOR VALUES IN (2);",
        "public.pc (p_id)",
        holds=(("INSERT INTO pc VALUES (1, 42)", "foreign_key_violation"),),
    ),
    "seq-scan-heavy-table": Case(
        "seq-scan-heavy-tables",
        "CREATE TABLE big (id int PRIMARY KEY, v int);"
        "INSERT INTO big SELECT i, i % 7 FROM generate_series(1, 20000) AS i; ANALYZE big;"
        "DO $$ BEGIN FOR i IN 1..60 LOOP PERFORM count(*) FROM big WHERE v = 3; END LOOP; END $$;",
        "public.big",
        fixable=False,
    ),
    "table-without-primary-key": Case(
        "tables-without-primary-key",
        "CREATE TABLE heap_only (v int);",
        "public.heap_only",
        fixable=False,
    ),
    "table-with-a-unique-index-that-can-be-its-key": Case(
        "tables-without-primary-key",
        "CREATE TABLE keyed (code int NOT NULL, v int); CREATE UNIQUE INDEX keyed_code ON keyed (code);",
        "public.keyed",
        holds=(
            ("INSERT INTO keyed VALUES (1, 1), (1, 2)", "unique_violation"),
            (
                "SELECT count(*) = 1 FROM pg_constraint WHERE conrelid = 'keyed'::regclass "
                "AND contype = 'p'",
                True,
            ),
        ),
    ),
    "integer-key-overflow": Case(
        "integer-key-overflow",
        "CREATE TABLE counter (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"
        "CREATE TABLE tally (id int PRIMARY KEY, counter_id int REFERENCES counter (id));"
        "CREATE INDEX tally_counter_id ON tally (counter_id);"
        "SELECT setval(pg_get_serial_sequence('counter', 'id'), 2000000000);"
        "INSERT INTO counter DEFAULT VALUES; INSERT INTO tally VALUES (1, 2000000001);",
        "public.counter.id",
        severity="error",
        holds=(
            ("INSERT INTO tally VALUES (2, 42)", "foreign_key_violation"),
            ("INSERT INTO counter VALUES (2000000001)", "unique_violation"),
            ("SELECT setval(pg_get_serial_sequence('counter', 'id'), 3000000000) > 0", True),
            ("INSERT INTO counter DEFAULT VALUES", None),
        ),
    ),
    "integer-key-fed-by-a-nextval-default": Case(
        "integer-key-overflow",
        "CREATE SEQUENCE hand_seq;"
        "CREATE TABLE hand (id int DEFAULT nextval('hand_seq') PRIMARY KEY);"
        "SELECT setval('hand_seq', 1500000000);",
        "public.hand.id",
        severity="warning",
        holds=(("SELECT setval('hand_seq', 3000000000) > 0", True),),
    ),
    "stale-statistics": Case(
        "stale-statistics",
        "CREATE TABLE s (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = off);"
        "INSERT INTO s SELECT i, 0 FROM generate_series(1, 5000) AS i;"
        "SELECT pg_stat_force_next_flush(); ANALYZE s; UPDATE s SET v = 1;",
        "public.s",
    ),
    "not-valid-check-constraint": Case(
        "not-valid-constraints",
        "CREATE TABLE nv (id int PRIMARY KEY, qty int); INSERT INTO nv VALUES (1, 5);"
        "ALTER TABLE nv ADD CONSTRAINT nv_qty_positive CHECK (qty > 0) NOT VALID;",
        "public.nv.nv_qty_positive",
        holds=(
            ("INSERT INTO nv VALUES (2, -1)", "check_violation"),
            (
                "SELECT convalidated FROM pg_constraint WHERE conname = 'nv_qty_positive'",
                True,
            ),
        ),
    ),
    "not-valid-foreign-key": Case(
        "not-valid-constraints",
        "CREATE TABLE p (id int PRIMARY KEY); INSERT INTO p VALUES (1);"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int); INSERT INTO c VALUES (1, 1);"
        "CREATE INDEX c_p_id ON c (p_id);"
        "ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;",
        "public.c.c_p_fk",
        holds=(("INSERT INTO c VALUES (2, 42)", "foreign_key_violation"),),
    ),
    "fk-type-mismatch": Case(
        "fk-type-mismatch",
        "CREATE TABLE p (id bigint PRIMARY KEY); INSERT INTO p VALUES (1);"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));"
        "CREATE INDEX c_p_id ON c (p_id); INSERT INTO c VALUES (1, 1);",
        "public.c.p_id",
        holds=(
            ("INSERT INTO c VALUES (2, 42)", "foreign_key_violation"),
            (
                "SELECT atttypid = 'bigint'::regtype FROM pg_attribute "
                "WHERE attrelid = 'c'::regclass AND attname = 'p_id'",
                True,
            ),
            ("EXPLAIN (FORMAT JSON) SELECT * FROM c WHERE p_id = 1", "index"),
        ),
    ),
    "duplicate-foreign-key": Case(
        "duplicate-foreign-keys",
        "CREATE TABLE p (id int PRIMARY KEY); INSERT INTO p VALUES (1);"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));"
        "CREATE INDEX c_p_id ON c (p_id);"
        "ALTER TABLE c ADD CONSTRAINT c_p_again FOREIGN KEY (p_id) REFERENCES p (id);",
        "public.c.c_p_again",
        holds=(
            ("INSERT INTO c VALUES (2, 42)", "foreign_key_violation"),
            (
                "SELECT count(*) = 1 FROM pg_constraint WHERE conrelid = 'c'::regclass "
                "AND contype = 'f'",
                True,
            ),
        ),
    ),
    "disabled-trigger": Case(
        "disabled-triggers",
        "CREATE TABLE audited (id int PRIMARY KEY, touched int NOT NULL DEFAULT 0);"
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END $$;"
        "CREATE TRIGGER audited_touch BEFORE UPDATE ON audited FOR EACH ROW EXECUTE FUNCTION touch();"
        "ALTER TABLE audited DISABLE TRIGGER audited_touch;",
        "public.audited.audited_touch",
        holds=(
            ("INSERT INTO audited VALUES (1)", None),
            ("UPDATE audited SET id = 1", None),
            ("SELECT touched = 1 FROM audited", True),
        ),
    ),
    "autovacuum-disabled": Case(
        "autovacuum-disabled",
        "CREATE TABLE av (id int PRIMARY KEY, body text) WITH (autovacuum_enabled = off,"
        " toast.autovacuum_enabled = false);",
        "public.av",
        holds=(("SELECT reloptions IS NULL FROM pg_class WHERE oid = 'av'::regclass", True),),
    ),
    "dead-tuples": Case(
        "dead-tuples",
        "CREATE TABLE churn (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = off);"
        "INSERT INTO churn SELECT i, 0 FROM generate_series(1, 5000) AS i;"
        "DELETE FROM churn WHERE id > 1000;",
        "public.churn",
        lock_seen=False,
        holds=(("SELECT count(*) = 1000 FROM churn", True),),
    ),
    "table-bloat": Case(
        "table-bloat",
        "CREATE TABLE bloated (id int PRIMARY KEY, v text);"
        "INSERT INTO bloated SELECT i, md5(i::text) FROM generate_series(1, 100000) AS i;"
        "DELETE FROM bloated WHERE id % 10 <> 0; VACUUM (ANALYZE) bloated;",
        "public.bloated",
        severity="info",
        holds=(
            ("SELECT count(*) = 10000 FROM bloated", True),
            ("EXPLAIN (FORMAT JSON) SELECT * FROM bloated WHERE id = 10", "index"),
        ),
    ),
    "xid-wraparound": Case(
        "xid-wraparound",
        # 100 000 is the smallest autovacuum_freeze_max_age a table may have; consuming that
        # many transaction IDs takes about 1.5 s on the test server.
        "CREATE TABLE old (id int PRIMARY KEY) WITH (autovacuum_freeze_max_age = 100000);"
        "INSERT INTO old VALUES (1);"
        "DO $$ BEGIN FOR i IN 1..100001 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$;",
        "public.old",
        lock_seen=False,
        holds=(
            ("SELECT age(relfrozenxid) < 1000 FROM pg_class WHERE oid = 'old'::regclass", True),
        ),
    ),
    "multixact-wraparound": Case(
        "multixact-wraparound",
        # 10 000 is the smallest autovacuum_multixact_freeze_max_age a table may have. A row
        # locked and then updated under a savepoint (a PL/pgSQL block with EXCEPTION) takes a
        # new multixact ID each time: about 7 s for 10 000 under a load of 11 on two cores.
        "CREATE TABLE locked (id int PRIMARY KEY, v int)"
        " WITH (autovacuum_multixact_freeze_max_age = 10000);"
        "INSERT INTO locked VALUES (1, 0);"
        "DO $$ BEGIN FOR i IN 1..10001 LOOP"
        " PERFORM 1 FROM locked WHERE id = 1 FOR UPDATE;"
        " BEGIN UPDATE locked SET v = v + 1 WHERE id = 1; EXCEPTION WHEN others THEN NULL; END;"
        " COMMIT; END LOOP; END $$;",
        "public.locked",
        lock_seen=False,
        holds=(
            (
                "SELECT mxid_age(relminmxid) < 100 FROM pg_class WHERE oid = 'locked'::regclass",
                True,
            ),
        ),
    ),
    "idle-in-transaction": Case(
        "long-transactions",
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET playbook.max_transaction_age = %L',"
        " current_database(), '0'); END $$;"
        "SET application_name = 'stuck'; BEGIN; SELECT pg_current_xact_id();",
        "postgres (stuck)",
        fixable=False,
    ),
    "inactive-replication-slot": Case(
        "inactive-replication-slots",
        "SELECT pg_create_physical_replication_slot('playbook_test_slot', true);",
        "playbook_test_slot",
        lock_seen=False,
        holds=(
            (
                "SELECT count(*) = 0 FROM pg_replication_slots "
                "WHERE slot_name = 'playbook_test_slot'",
                True,
            ),
        ),
    ),
    "cache-hit-ratio": Case(
        "cache-hit-ratio",
        # a table over a quarter of shared_buffers is scanned through a small ring of buffers,
        # and a bulk load counts each new page as a read
        "CREATE TABLE wide AS SELECT i, repeat('x', 100) AS pad FROM generate_series(1, 400000) AS i;"
        "SELECT count(*) FROM wide; SELECT count(*) FROM wide;",
        "shared_buffers",
        severity="info",
        fixable=False,
    ),
    "password-encryption-md5": Case(
        "password-encryption-md5",
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET password_encryption = md5',"
        " current_database()); END $$;",
        "password_encryption",
        fixable=False,
    ),
    "overlapping-indexes": Case(
        "overlapping-indexes",
        "CREATE TABLE ov (id int PRIMARY KEY, a int, b int, c int);"
        "CREATE INDEX ov_a_b ON ov (a, b); CREATE INDEX ov_a_c ON ov (a, c);",
        "public.ov_a_c",
        severity="info",
        fixable=False,
    ),
    "btree-on-array": Case(
        "btree-on-array",
        "CREATE TABLE tagged (id int PRIMARY KEY, tags text[]); CREATE INDEX tagged_tags ON tagged (tags);",
        "public.tagged_tags",
        severity="info",
        fixable=False,
    ),
    "boolean-index": Case(
        "boolean-indexes",
        "CREATE TABLE flags (id int PRIMARY KEY, done boolean); CREATE INDEX flags_done ON flags (done);",
        "public.flags_done",
        severity="info",
        fixable=False,
    ),
    "mostly-null-index": Case(
        "mostly-null-indexes",
        "CREATE TABLE sparse (id int PRIMARY KEY, v int);"
        "INSERT INTO sparse SELECT i, CASE WHEN i % 10 = 0 THEN i END FROM generate_series(1, 2000) AS i;"
        "CREATE INDEX sparse_v ON sparse (v); ANALYZE sparse;",
        "public.sparse_v",
        severity="info",
        fixable=False,
    ),
    "timestamp-without-time-zone": Case(
        "timestamp-without-time-zone",
        "CREATE TABLE event (id int PRIMARY KEY, at timestamp);",
        "public.event.at",
        severity="info",
        fixable=False,
    ),
    "money-column": Case(
        "money-columns",
        "CREATE TABLE price (id int PRIMARY KEY, amount money);",
        "public.price.amount",
        severity="info",
        fixable=False,
    ),
    "char-column": Case(
        "char-columns",
        "CREATE TABLE code (id int PRIMARY KEY, iso char(3));",
        "public.code.iso",
        severity="info",
        fixable=False,
    ),
    "json-column": Case(
        "json-columns",
        "CREATE TABLE doc (id int PRIMARY KEY, body json);",
        "public.doc.body",
        severity="info",
        fixable=False,
    ),
    "serial-column": Case(
        "serial-columns",
        "CREATE TABLE legacy (id serial PRIMARY KEY);",
        "public.legacy.id",
        severity="info",
        fixable=False,
    ),
    "rule": Case(
        "rules",
        "CREATE TABLE ledger (id int PRIMARY KEY);"
        "CREATE RULE ledger_no_delete AS ON DELETE TO ledger DO INSTEAD NOTHING;",
        "public.ledger.ledger_no_delete",
        severity="info",
        fixable=False,
    ),
}


def execute(conn, script: str) -> None:
    run_script(conn, script)


def plant(conn, script: str) -> None:
    """Run a planting script. A concurrent unique build (on duplicates, to leave an invalid
    index behind) must fail with a unique violation; every other statement must succeed."""
    for statement in split_statements(script):
        if not statement.text.lstrip().upper().startswith("CREATE UNIQUE INDEX CONCURRENTLY"):
            conn.execute(statement.text)
            continue
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(statement.text)


def run_checks(conn, names: tuple[str, ...] | None = None, min_stats_age: int = 0) -> list:
    conn.execute("SELECT pg_stat_force_next_flush()")
    selected = tuple(c for c in checks.CHECKS if names is None or c.name in names)
    dsn = make_conninfo(conn.info.dsn, password=conn.info.password)
    with checks.connect_read_only(dsn) as ro:
        return checks.run(ro, selected, min_stats_age_days=min_stats_age)


def keys(findings) -> set[tuple[str, str]]:
    return {(f.check, f.object) for f in findings}


@pytest.fixture
def db(new_pg_db):
    """A fresh database (extensions only) holding the clean schema; an autocommit connection."""
    conn = new_pg_db("none")
    execute(conn, CLEAN)
    return conn


def test_every_check_has_cases() -> None:
    assert {c.check for c in CASES.values()} == {c.name for c in checks.CHECKS}


def test_checks_are_quiet_on_a_clean_schema(db) -> None:
    assert run_checks(db) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_check_finds_its_planted_problem_and_only_after_it_is_planted(db, case) -> None:
    c = CASES[case]
    assert (c.check, c.found) not in keys(run_checks(db, (c.check,)))
    plant(db, c.plant)
    found = [f for f in run_checks(db, (c.check,)) if f.object == c.found]
    assert len(found) == 1, run_checks(db, (c.check,))
    assert found[0].severity == c.severity and found[0].evidence
    assert c.says in found[0].evidence, found[0].evidence
    assert found[0].link.endswith(f"/checks/#{c.check}") and "://" in found[0].link
    assert (found[0].fix is not None) == c.fixable, found[0]


_WORD = "(?:ACCESS|ROW|SHARE|UPDATE|EXCLUSIVE)"
LOCK = re.compile(
    rf"(?P<mode>{_WORD}(?: {_WORD})*) on "
    r"(?P<each>each partition of )?(?P<sequence>sequence )?(?P<table>[\w.]+)"
)


def stated_locks(text: str) -> dict[str, str]:
    """The finding's lock column as {table: mode}; 'each partition of T' as {'*T': mode}."""
    stated = {}
    for m in LOCK.finditer(text):
        if m["sequence"]:
            continue  # sequences are not tables: the watch below sees tables only
        table = m["table"].split(".")[-1]
        stated[("*" if m["each"] else "") + table] = m["mode"].strip()
    return stated


def observed_locks(conn, sql: str) -> dict[str, str]:
    strongest: dict[str, str] = {}
    for seen in watch(conn, [s.text for s in split_statements(sql)]):
        for table, mode in seen.locks.items():
            rank = STRENGTH.index
            if table not in strongest or rank(_pg(mode)) > rank(_pg(strongest[table])):
                strongest[table] = mode
    return strongest


def _pg(mode: str) -> str:
    return next(m for m in STRENGTH if mode_name(m) == mode)


def _holds(conn, statement: str, expected: object) -> None:
    if isinstance(expected, str) and expected != "index":
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(statement)
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", type(caught.value).__name__).lower()
        assert snake == expected, (statement, caught.value)
    elif expected == "index":
        conn.execute("SET enable_seqscan = off")
        plan = json.dumps(conn.execute(statement).fetchone()[0])
        conn.execute("RESET enable_seqscan")
        assert "Index" in plan, (statement, plan)
    elif expected is True:
        assert conn.execute(statement).fetchone()[0] is True, statement
    else:
        conn.execute(statement)


@pytest.mark.parametrize("case", sorted(k for k, c in CASES.items() if c.fixable))
def test_the_printed_fix_takes_its_lock_removes_the_problem_and_breaks_nothing(db, case) -> None:
    c = CASES[case]
    plant(db, c.plant)
    before = run_checks(db)
    (finding,) = [f for f in run_checks(db, (c.check,)) if f.object == c.found]

    seen = observed_locks(db, finding.fix)
    stated = stated_locks(finding.lock) if c.lock_seen else {}
    assert stated or "sequence" in finding.lock or not c.lock_seen, finding.lock
    for table, mode in stated.items():
        if table.startswith("*"):  # every partition of the named table
            partitions = [
                r
                for (r,) in db.execute(
                    "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
                    (table[1:],),
                )
            ]
            assert partitions and all(seen.get(p) == mode for p in partitions), (finding, seen)
        else:
            assert seen.get(table) == mode, (finding.lock, seen)
    after = run_checks(db)
    assert (c.check, c.found) not in keys(after), after
    assert keys(after) <= keys(before), keys(after) - keys(before)

    if finding.revert:
        for statement in split_statements(finding.revert):
            db.execute(statement.text)
        assert c.found in {f.object for f in run_checks(db, (c.check,))}, "revert did not undo"
        for statement in split_statements(finding.fix):
            db.execute(statement.text)
    for statement, expected in c.holds:
        _holds(db, statement, expected)


def objects(findings, check: str) -> set[str]:
    return {f.object for f in findings if f.check == check}


def test_unused_never_names_an_index_that_enforces_or_serves_a_rule(db) -> None:
    plant(
        db,
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE x (id int PRIMARY KEY, code int, p_id int REFERENCES p (id), w int);"
        "CREATE UNIQUE INDEX x_code ON x (code);"  # enforces uniqueness
        "ALTER TABLE x ADD CONSTRAINT x_w_excl EXCLUDE USING btree (w WITH =);"  # backs a rule
        "CREATE INDEX x_p_id ON x (p_id);"  # the only index the foreign key has
        "CREATE TABLE part (id int NOT NULL, v int) PARTITION BY LIST (id);"
        "CREATE TABLE part_1 PARTITION OF part FOR VALUES IN (1);"
        "CREATE INDEX part_v ON part (v);",  # attached to a partitioned index
    )
    unused = objects(run_checks(db, ("unused-indexes",)), "unused-indexes")
    assert unused == set(), unused


def test_a_foreign_key_served_only_by_unused_indexes_keeps_the_oldest(db) -> None:
    plant(
        db,
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE x (id int PRIMARY KEY, p_id int REFERENCES p (id));"
        "CREATE INDEX x_p_id_first ON x (p_id); CREATE INDEX x_p_id_second ON x (p_id, id);",
    )
    unused = objects(run_checks(db, ("unused-indexes",)), "unused-indexes")
    assert unused == {"public.x_p_id_second"}


def test_young_statistics_only_give_info_and_say_why(db) -> None:
    plant(db, "CREATE TABLE t (id int PRIMARY KEY, v int); CREATE INDEX t_v_idx ON t (v);")
    (young,) = run_checks(db, ("unused-indexes",), min_stats_age=7)
    assert young.severity == "info" and "too young to judge (under 7 days)" in young.evidence
    assert "never reset: at least the server's uptime" in young.evidence
    (old_enough,) = run_checks(db, ("unused-indexes",), min_stats_age=0)
    assert old_enough.severity == "warning"


def test_the_same_fix_from_two_checks_is_one_finding(db) -> None:
    plant(
        db,
        "CREATE TABLE d (id int PRIMARY KEY, v int); CREATE INDEX d_v_a ON d (v);"
        "CREATE INDEX d_v_b ON d (v);",
    )
    findings = run_checks(db, ("unused-indexes", "duplicate-indexes"))
    drops = [f for f in findings if f.fix == "DROP INDEX CONCURRENTLY public.d_v_b;"]
    assert len(drops) == 1 and drops[0].check == "duplicate-indexes"
    assert "same definition as" in drops[0].evidence
    assert "also unused-indexes: 0 scans" in drops[0].evidence


def test_fk_support_needs_a_valid_index_on_key_columns(db) -> None:
    plant(
        db,
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id), v int);"
        "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1, 1), (2, 1, 1);"
        "CREATE INDEX c_v_incl ON c (v) INCLUDE (p_id);"  # INCLUDE columns serve no look-up
        "CREATE UNIQUE INDEX CONCURRENTLY c_p_id_v ON c (p_id, v);",  # fails: invalid
    )
    assert objects(run_checks(db, ("fk-without-index",)), "fk-without-index") == {"public.c (p_id)"}


@pytest.mark.parametrize(
    "last_value, severity",
    [
        (1_070_000_000, None),
        (1_080_000_000, "warning"),
        (1_710_000_000, "warning"),
        (1_720_000_000, "error"),
    ],
)
def test_integer_keys_warn_at_half_and_err_at_four_fifths(db, last_value, severity) -> None:
    plant(
        db,
        "CREATE TABLE n (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"
        f"SELECT setval(pg_get_serial_sequence('n', 'id'), {last_value});",
    )
    found = [f.severity for f in run_checks(db, ("integer-key-overflow",))]
    assert found == ([severity] if severity else [])


def test_a_role_that_cannot_read_a_sequence_is_told_so(db, postgres_server) -> None:
    plant(
        db,
        "CREATE TABLE n (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"
        "SELECT setval(pg_get_serial_sequence('n', 'id'), 2000000000);",
    )
    role, (told,) = as_a_monitoring_role(db, postgres_server, "integer-key-overflow")
    assert told.severity == "info" and told.fix is None
    assert f"cannot be read by {role}" in told.evidence


def as_a_monitoring_role(db, server, check: str) -> tuple[str, list]:
    """(a pg_monitor role that owns nothing here, the findings of `check` run as it)."""
    role = f"monitor_{db.info.dbname}"
    db.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}' IN ROLE pg_monitor")
    try:
        url = f"postgresql://{role}:pw-{role}@{server.host}:{server.port}/{db.info.dbname}"
        with checks.connect_read_only(url) as ro:
            return role, checks.run(ro, checks.select(only=check))
    finally:
        db.execute(f"DROP ROLE {role}")


def test_a_different_ordering_is_not_redundant(db) -> None:
    plant(
        db,
        "CREATE TABLE r (id int PRIMARY KEY, a int, b int);"
        "CREATE INDEX r_a_b ON r (a, b); CREATE INDEX r_a_desc ON r (a DESC NULLS LAST);",
    )
    assert objects(run_checks(db, ("redundant-indexes",)), "redundant-indexes") == set()


@pytest.fixture(autouse=True)
def _no_slot_left(request):
    """A replication slot belongs to the server, not to a test's database: drop the planted one."""
    server = request.getfixturevalue("postgres_server") if "db" in request.fixturenames else None
    yield
    if server is not None:
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                " WHERE slot_name = 'playbook_test_slot'"
            )


@pytest.mark.parametrize("case", ["dead-tuples", "xid-wraparound"])
def test_a_vacuum_fix_takes_the_lock_it_names(db, case) -> None:
    """The watch cannot stop a VACUUM (it waits for no writer), so hold the lock it names from a
    second connection: the VACUUM must wait for exactly that mode on exactly that table."""
    c = CASES[case]
    plant(db, c.plant)
    (finding,) = [f for f in run_checks(db, (c.check,)) if f.object == c.found]
    ((table, mode),) = stated_locks(finding.lock).items()
    assert finding.fix.startswith("VACUUM (") and mode == "SHARE UPDATE EXCLUSIVE"
    dsn = make_conninfo(db.info.dsn, password=db.info.password)
    with (
        psycopg.connect(dsn, autocommit=True) as holder,
        psycopg.connect(dsn, autocommit=True) as looker,
    ):
        holder.execute("BEGIN")
        holder.execute(f"LOCK TABLE {table} IN {mode} MODE")
        worker = threading.Thread(target=db.execute, args=(finding.fix,))
        worker.start()
        try:
            waited = lock_waits(looker, db.info.backend_pid)
        finally:
            holder.execute("COMMIT")
            worker.join(30)
    assert waited == [("relation", table, "ShareUpdateExclusiveLock")]
    assert (c.check, c.found) not in keys(run_checks(db, (c.check,)))


def test_a_disabled_foreign_key_trigger_says_the_key_is_not_enforced(db) -> None:
    plant(
        db,
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));"
        "CREATE INDEX c_p_id ON c (p_id); ALTER TABLE c DISABLE TRIGGER ALL;",
    )
    found = run_checks(db, ("disabled-triggers",))
    assert len(found) == 2, found  # the key's insert and update checks
    assert all(
        "constraint c_p_id_fkey (FOREIGN KEY (p_id) REFERENCES public.p(id)) is not enforced"
        in f.evidence
        for f in found
    ), found
    db.execute("INSERT INTO c VALUES (1, 42)")  # an orphan gets in
    for f in found:
        db.execute(f.fix)
    assert run_checks(db, ("disabled-triggers",)) == []
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        db.execute("INSERT INTO c VALUES (2, 42)")


def test_a_long_running_query_is_a_long_transaction_too(db) -> None:
    db.execute(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET playbook.max_transaction_age = %L',"
        " current_database(), '0'); END $$"
    )
    dsn = make_conninfo(db.info.dsn, password=db.info.password, application_name="slow")
    with psycopg.connect(dsn, autocommit=True) as slow:
        worker = threading.Thread(target=slow.execute, args=("SELECT pg_sleep(3)",))
        worker.start()
        wait_for(
            lambda: db.execute(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = 'slow'"
                " AND state = 'active' AND clock_timestamp() - query_start > interval '0.2 s'"
            ).fetchone(),
            "the slow query to run",
            timeout=10,
        )
        found = run_checks(db, ("long-transactions",))
        worker.join()
    (f,) = [f for f in found if f.object == "postgres (slow)"]
    assert f.severity == "warning" and "active for" in f.evidence and "pg_sleep(3)" in f.evidence
    assert f.fix is None


def test_overlapping_is_neither_duplicate_nor_prefix(db) -> None:
    plant(
        db,
        "CREATE TABLE o (id int PRIMARY KEY, a int, b int, c int);"
        "CREATE INDEX o_a ON o (a); CREATE INDEX o_a_b ON o (a, b); CREATE INDEX o_a_b2 ON o (a, b);"
        "CREATE INDEX o_a_desc_c ON o (a DESC, c);",
    )
    found = run_checks(db, ("overlapping-indexes",))
    assert sorted(f.object for f in found) == ["public.o_a_desc_c"] * 3, found


def test_the_type_smells_leave_the_types_they_recommend_alone(db) -> None:
    plant(
        db,
        "CREATE TABLE modern (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        " at timestamptz, amount numeric(12, 2), code text, body jsonb, tags text[]);"
        "CREATE INDEX modern_tags ON modern USING gin (tags);"
        "CREATE VIEW modern_view AS SELECT id, at FROM modern;",
    )
    smells = (
        "timestamp-without-time-zone",
        "money-columns",
        "char-columns",
        "json-columns",
        "serial-columns",
        "rules",
        "btree-on-array",
    )
    assert run_checks(db, smells) == []


def test_validating_a_broken_constraint_fails_and_changes_nothing(db) -> None:
    plant(
        db,
        "CREATE TABLE nv (id int PRIMARY KEY, qty int); INSERT INTO nv VALUES (1, -5);"
        "ALTER TABLE nv ADD CONSTRAINT nv_qty_positive CHECK (qty > 0) NOT VALID;",
    )
    (finding,) = run_checks(db, ("not-valid-constraints",))
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute(finding.fix)
    assert keys(run_checks(db, ("not-valid-constraints",))) == {
        ("not-valid-constraints", "public.nv.nv_qty_positive")
    }


def test_a_role_that_cannot_read_column_statistics_is_told_so(db, postgres_server) -> None:
    plant(db, CASES["mostly-null-index"].plant)
    role, (told,) = as_a_monitoring_role(db, postgres_server, "mostly-null-indexes")
    assert told.object == "statistics" and told.fix is None
    # child.parent_id of the clean schema, and the planted sparse.v
    assert f"the statistics of 2 indexed columns cannot be read by {role}" in told.evidence


def test_a_freshly_loaded_table_is_not_bloat(db) -> None:
    plant(
        db,
        "CREATE TABLE loaded (id int PRIMARY KEY, v text);"
        "INSERT INTO loaded SELECT i, md5(i::text) FROM generate_series(1, 100000) AS i;"
        "ANALYZE loaded;",
    )
    assert run_checks(db, ("table-bloat",)) == []


def test_of_two_duplicate_foreign_keys_the_validated_one_stays(db) -> None:
    plant(
        db,
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id int);"
        "ALTER TABLE c ADD CONSTRAINT c_old FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;"
        "ALTER TABLE c ADD CONSTRAINT c_new FOREIGN KEY (p_id) REFERENCES p (id);",
    )
    (found,) = run_checks(db, ("duplicate-foreign-keys",))
    assert found.object == "public.c.c_old" and "repeats foreign key c_new" in found.evidence


def test_a_boolean_index_that_enforces_a_rule_is_left_alone(db) -> None:
    plant(
        db,
        "CREATE TABLE one_default (id int PRIMARY KEY, is_default boolean);"
        "CREATE UNIQUE INDEX one_default_flag ON one_default (is_default);"
        "CREATE TABLE excl (id int PRIMARY KEY, on_duty boolean,"
        " EXCLUDE USING btree (on_duty WITH =));",
    )
    assert run_checks(db, ("boolean-indexes",)) == []
