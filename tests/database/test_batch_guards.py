"""A call under ``if`` inside a loop is the batched form only when the test holds once
per batch: a count reaching a multiple of a batch (``i % 500 == 0``, ``not n % size``) or
a buffer reaching a size (``len(buf) >= n``). ``if i % 2:`` runs for every odd item and
``n % 2 == 0`` for every second one: still per item. One test for TL102, TL103 and the
acknowledgement rule (``semantic/batching.is_batch_test``)."""

from __future__ import annotations

import pytest
from support.cli_projects import findings_by_function, lint_json, write_project

SOURCE = """\
import sqlite3

conn = sqlite3.connect("x.db")


def odd_items(ids):
    for i in ids:
        if i % 2:
            conn.execute("UPDATE t SET a = 1 WHERE id = ?", (i,))


def every_second_commit(rows):
    for n, row in enumerate(rows):
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        if n % 2 == 0:
            conn.commit()


def more_than_one(rows, pending):
    for row in rows:
        pending.append(row)
        if len(pending) > 1:
            conn.commit()


def every_500th_commit(rows):
    for n, row in enumerate(rows):
        conn.executemany("INSERT INTO t VALUES (?)", [(row,)])
        if n % 500 == 0:
            conn.commit()


def every_size_commit(rows, size):
    for n, row in enumerate(rows):
        conn.executemany("INSERT INTO t VALUES (?)", [(row,)])
        if not n % size:
            conn.commit()


def full_buffer(rows, buffer):
    for row in rows:
        buffer.append(row)
        if len(buffer) >= 1000:
            conn.executemany("INSERT INTO t VALUES (?)", buffer)
            conn.commit()


def counted_to_batch(rows, batchSize):
    pendingCount = 0
    for row in rows:
        conn.executemany("INSERT INTO t VALUES (?)", [(row,)])
        pendingCount += 1
        if pendingCount >= batchSize:
            conn.commit()
            pendingCount = 0
"""

EXPECTED = {
    "odd_items": "TL102",  # half of the items, each an UPDATE
    "every_second_commit": "TL103",
    "more_than_one": "TL103",
    "every_500th_commit": None,
    "every_size_commit": None,
    "full_buffer": None,
    "counted_to_batch": None,
}


@pytest.fixture
def findings(run_cli, tmp_path) -> dict[str, dict]:
    root = write_project(tmp_path, {"writer.py": SOURCE})
    report = lint_json(run_cli, root, "--show-all")
    return findings_by_function(report, SOURCE, "writer.py")


def test_batch_guards(findings):
    found = {name: findings[name]["code"] if name in findings else None for name in EXPECTED}
    assert found == EXPECTED
