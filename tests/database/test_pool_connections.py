"""A connection handed out by a connection pool is a connection (round 21, probe p27):
psycopg2's ``pool.getconn()`` and psycopg 3's ``pool.connection()`` / ``getconn()``. A
commit per item on one is TL103 as on ``psycopg2.connect()``; a commit after the loop is
not; the user's own ``ThreadedConnectionPool`` hands out whatever it hands out. Run
through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SOURCE = """\
from psycopg2.pool import ThreadedConnectionPool
from psycopg_pool import ConnectionPool

legacy = ThreadedConnectionPool(1, 10, dsn="dbname=app")
modern = ConnectionPool("dbname=app")


def mark_sent(notification_ids):
    conn = legacy.getconn()
    try:
        cur = conn.cursor()
        for nid in notification_ids:
            cur.execute("UPDATE notifications SET sent = true WHERE id = %s", (nid,))
            conn.commit()
    finally:
        legacy.putconn(conn)


def mark_read(notification_ids):
    with modern.connection() as conn:
        for nid in notification_ids:
            conn.execute("UPDATE notifications SET seen = true WHERE id = %s", (nid,))
            conn.commit()


def mark_sent_once(notification_ids):
    conn = legacy.getconn()
    try:
        cur = conn.cursor()
        cur.execute("UPDATE notifications SET sent = true WHERE id = ANY(%s)", (notification_ids,))
        conn.commit()
    finally:
        legacy.putconn(conn)
"""

OWN_POOL = """\
class Ledger:
    def __init__(self):
        self.lines = []

    def commit(self):
        self.lines.append("commit")


class ThreadedConnectionPool:
    def __init__(self, *args, **kwargs):
        self.ledger = Ledger()

    def getconn(self):
        return self.ledger


legacy = ThreadedConnectionPool(1, 10)


def mark_sent(notification_ids):
    conn = legacy.getconn()
    for nid in notification_ids:
        conn.commit()
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(tmp_path_factory.mktemp("pools"), {"jobs.py": SOURCE})
    report = lint_json(run_module_cli, root, "--select", "TL102,TL103", "--show-all")
    return findings_by_function(report, SOURCE, "jobs.py")


@pytest.mark.parametrize("function", ["mark_sent", "mark_read"])
def test_commit_per_item_on_a_pooled_connection(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: no TL103"
    assert diagnostic["code"] == "TL103"
    assert [related["code"] for related in diagnostic["related"]] == ["TL102", "TL103"]


def test_commit_after_the_statement_stays_clean(found):
    assert "mark_sent_once" not in found


def test_users_own_pool_is_not_a_database(tmp_path):
    root = write_project(tmp_path, {"jobs.py": OWN_POOL})
    report = lint_json(run_module_cli, root, "--select", "TL103", "--show-all")
    assert report["diagnostics"] == []
