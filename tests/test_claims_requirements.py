"""The claims of docs/phases/requirements.md: its checklists, and the figures of its worked example."""

from __future__ import annotations

import re
from datetime import timedelta

import psycopg
import pytest

from playbooks import paths
from playbooks.checklist import phases
from playbooks.sql import run_script, snippet, split_statements

S = "postgres/requirements/"


@pytest.fixture
def requirements():
    (phase,) = [p for p in phases() if p.name == "requirements"]
    return phase


def test_the_five_checklists_come_first_in_the_cli(requirements):
    assert requirements.title == "Phase 1: Requirements analysis"
    assert phases()[0].name == "requirements"  # Phase 1 comes first
    assert requirements.checklists == [
        "Data characteristics",
        "Access patterns",
        "Performance requirements",
        "Reliability requirements",
        "Integration requirements",
    ]


def test_every_item_is_one_line_with_a_reason(requirements):
    lines = (paths.DOCS / requirements.page).read_text().splitlines()
    for item in requirements.items:
        assert item.action and item.why, item
        # the whole item is the one line of the page, in the form the CLI splits
        assert lines[item.line - 1] == f"- [ ] {item.action} — {item.why}", item
        assert item.why.endswith("."), item


def test_the_checklist_covers_the_named_questions(requirements):
    text = " ".join(item.text for item in requirements.items)
    for topic in (
        "read/write ratio",
        "retention",
        "sensitivity",
        "regulations",
        "full-text",
        "geospatial",
        "P95",
        "peak",
        "availability target",
        "recovery point objective",
        "recovery time objective",
        "backups",
        "ETL",
        "API",
    ):
        assert topic in text, topic


def test_bytes_per_order_and_the_yearly_volume(new_pg_db):
    conn = new_pg_db("sample")
    sizes, growth = (
        conn.execute(s.text).fetchall() for s in split_statements(snippet(S + "volume.sql"))
    )
    (_, orders, bytes_per_order) = sizes[0]
    assert orders == 20000 and bytes_per_order == 410
    # The page's sentence, with its numbers: "At the shop's planned 2,000 orders a day, 730,000
    # orders a year come to about 300 MB a year … ten years … in the memory of a server with 8 GB"
    text = " ".join((paths.DOCS / "phases" / "requirements.md").read_text().split())
    m = re.search(
        r"planned ([\d,]+) orders a day, ([\d,]+) orders a year come to about (\d+) MB a year "
        r"before those indexes: (\w+) years of orders would still fit in the memory of a "
        r"server with (\d+) GB",
        text,
    )
    assert m, "the sizing sentence is no longer on the page"
    per_day, per_year, mb, years, gb = m.groups()
    per_day, per_year = int(per_day.replace(",", "")), int(per_year.replace(",", ""))
    assert per_year == per_day * 365
    assert round(per_year * int(bytes_per_order) / 1e6, -2) == int(mb)  # "about", to 100 MB
    assert {"ten": 10}[years] * per_year * bytes_per_order < int(gb) * 2**30
    last, previous, percent = growth[0]
    assert percent == 40 and last > previous


def test_downtime_allowed_by_each_availability_target(new_pg_db):
    conn = new_pg_db("none")
    rows = {
        label: (year, month)
        for label, year, month in run_script(conn, snippet(S + "availability.sql"))
    }
    assert timedelta(hours=8) < rows["99.9 %"][0] < timedelta(hours=9)  # "almost nine hours"
    assert rows["99.99 %"][0] < timedelta(hours=1)  # "under an hour"
    assert rows["99.95 %"][0] > timedelta(hours=4)  # "four hours a year"


def test_read_write_counters_start_at_zero_on_the_fresh_sample(new_pg_db):
    conn = new_pg_db("sample")
    rows = run_script(conn, snippet(S + "read-write-ratio.sql"))
    assert {"orders", "order_items", "products"} <= {r[0] for r in rows}
    assert all(r[1:] == (0, 0, None) for r in rows)
    # after a workload the query reports it
    conn.execute("SELECT count(*) FROM orders WHERE customer_id = 42").fetchall()
    conn.execute("UPDATE orders SET status = 'paid' WHERE id = 5")
    conn.execute("SELECT pg_stat_force_next_flush()")
    rows = {r[0]: r[1:] for r in run_script(conn, snippet(S + "read-write-ratio.sql"))}
    read, written, _ = rows["orders"]
    assert read >= 20000 and written == 1


def test_one_server_process_per_connection(new_pg_db):
    conn = new_pg_db("none")
    with psycopg.connect(conn.info.dsn, autocommit=True) as other:
        pids = {conn.info.backend_pid, other.info.backend_pid}
        assert len(pids) == 2
        backends = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s) "
            "AND backend_type = 'client backend'",
            (list(pids),),
        ).fetchone()[0]
        assert backends == 2
