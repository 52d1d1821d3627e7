"""A class of the same file that wraps a connection's ``execute`` (``def execute(self, sql,
params=()): return self.conn.execute(sql, params)``): its callers' statement text says
what runs, as it does when the class is imported from another module (sqlite-utils'
``Database.execute``, called from its own ``Table`` methods). Near misses: a user's own
``Cursor`` whose ``execute`` only records the text, and a statement the caller does not
spell. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SOURCE = """\
import sqlite3


class Database:
    def __init__(self, path):
        self.conn = sqlite3.connect(path)

    def execute(self, sql, params=()):
        return self.conn.execute(sql, params)


class Cursor:
    def __init__(self):
        self.log = []

    def execute(self, sql, params=()):
        self.log.append((sql, params))


def lookups(values):
    db = Database("app.db")
    return [db.execute("SELECT id FROM t WHERE v = ?", (v,)).fetchone() for v in values]


def recorded(values):
    cursor = Cursor()
    for v in values:
        cursor.execute("SELECT id FROM t WHERE v = ?", (v,))


def statements(sql_list):
    db = Database("app.db")
    for sql in sql_list:
        db.execute(sql)
"""


def test_a_wrapper_of_this_file(tmp_path):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/store.py": SOURCE})
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    found = findings_by_function(report, SOURCE, "store.py")
    assert set(found) == {"lookups"}
    assert found["lookups"]["code"] == "TL101"
