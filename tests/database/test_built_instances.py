"""A method that builds and returns an instance of a project class on each call
(``def table(self, name): return Table(self, name)``): a call chained on its result,
``db.table(name).lookup(value)``, is that class's method (sqlite-utils' ``insert_all``
runs ``self.db.table(...).lookup(...)`` per extracted value). Near miss: a chained
method that runs no query. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

DB = """\
import sqlite3


class Database:
    def __init__(self, path):
        self.conn = sqlite3.connect(path)

    def table(self, name):
        return Table(self, name)


class Table:
    def __init__(self, db, name):
        self.db = db
        self.name = name

    def lookup(self, value):
        return self.db.conn.execute("SELECT id FROM t WHERE v = ?", (value,)).fetchone()

    def label(self, value):
        return f"{self.name}:{value}"
"""

USE = """\
from app.db import Database


def lookups(values):
    db = Database("app.db")
    return [db.table("things").lookup(v) for v in values]


def labels(values):
    db = Database("app.db")
    return [db.table("things").label(v) for v in values]
"""


def test_a_method_called_on_what_a_factory_method_builds(tmp_path):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/db.py": DB, "app/use.py": USE})
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    found = findings_by_function(report, USE, "use.py")
    assert set(found) == {"lookups"}
    assert "`db.table('things').lookup()` runs a query" in found["lookups"]["message"]
