"""A connection made from a loop's item (``conn = sqlite3.connect(path)`` for each
``path``, ``shard.cursor()`` for each ``shard``) runs one statement per database, not
one per row: clean. But a loop between the connection's making and the statement repeats
the statement on that one connection: a statement per row, TL102, TL103 or TL101 (missed
because the connection read the outer loop's item). Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SOURCE = """\
import sqlite3


def stamp_each_database(paths):
    for path in paths:
        conn = sqlite3.connect(path)
        conn.execute("INSERT INTO schema_version VALUES (2)")
        conn.commit()


def stamp_each_shard(shards, version):
    for shard in shards:
        shard.cursor().execute("UPDATE meta SET version = ?", (version,))


def load_rows_into_each_database(paths, rows):
    for path in paths:
        conn = sqlite3.connect(path)
        for row in rows:
            conn.execute("INSERT INTO t VALUES (?)", (row,))
        conn.commit()


def load_rows_into_each_shard(shards, rows):
    for shard in shards:
        cur = shard.cursor()
        for row in rows:
            cur.execute("INSERT INTO t VALUES (?)", (row,))


def retry_each_database(paths):
    for path in paths:
        conn = sqlite3.connect(path)
        while True:
            try:
                conn.execute("INSERT INTO schema_version VALUES (2)")
                break
            except sqlite3.OperationalError:
                continue


def commit_each_row(paths, rows):
    for path in paths:
        conn = sqlite3.connect(path)
        for row in rows:
            conn.execute("UPDATE t SET a = ? WHERE b = 1", (row,))
            conn.commit()


def read_each_row(paths, ids):
    for path in paths:
        conn = sqlite3.connect(path)
        for i in ids:
            conn.execute("SELECT * FROM t WHERE id = ?", (i,)).fetchone()
"""


def test_a_statement_per_database_is_clean_and_one_per_row_is_not(tmp_path):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/load.py": SOURCE})
    report = lint_json(run_module_cli, root, "--show-all")
    found = findings_by_function(report, SOURCE, "load.py")
    assert {name: d["code"] for name, d in found.items()} == {
        "load_rows_into_each_database": "TL102",
        "load_rows_into_each_shard": "TL102",
        "commit_each_row": "TL103",
        "read_each_row": "TL101",
    }
    assert found["load_rows_into_each_database"]["line"] == 20
    assert found["load_rows_into_each_shard"]["line"] == 28
