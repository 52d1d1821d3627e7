"""TL102's executemany fix beside project code in another module that sees each statement:
a connection or cursor class with its own ``execute`` (also through project bases), or a
wrapper registered on a connection (Django's ``execute_wrapper``). The walk of the
loop's file cannot see them; the project index can (``index/statement_hooks.py``). Each
program runs original and fixed against real sqlite3 or Django; near misses keep the safe
fix."""

from __future__ import annotations

import json

from support.differential import assert_same_behaviour, differential, throughlint
from support.django_programs import SHOP_SETTINGS

from throughlint.config import load_settings
from throughlint.project import Project
from throughlint.rules import known_codes

STORE = """\
import sqlite3


def save(conn: sqlite3.Connection, data):
    rows = [(a, b) for a, b in data]
    for row in rows:
        conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", row)
    conn.commit()
"""

AUDIT = """\
import sqlite3

SENT = []


class AuditConnection({base}):
    def {method}(self, sql, parameters=()):
        SENT.append(sql)
        return super().{method}(sql, parameters)
"""

APP = """\
import sqlite3

import audit
import store

conn = sqlite3.connect(":memory:", factory={factory})
sqlite3.Connection.execute(conn, "CREATE TABLE t (a, b)")
store.save(conn, [(1, 2), (3, 4)])
print(len(audit.SENT), conn.execute("SELECT count(*) FROM t").fetchone()[0])
"""


def _files(base: str = "sqlite3.Connection", method: str = "execute") -> dict[str, str]:
    return {
        "store.py": STORE,
        "audit.py": AUDIT.format(base=base, method=method),
        "app.py": APP.format(factory="audit.AuditConnection"),
    }


def test_a_connection_class_of_another_module_makes_executemany_unsafe(tmp_path):
    result = differential(tmp_path, _files(), target="store.py", lint=("audit.py", "app.py"))
    assert not result.changed, result.after
    assert "`audit.AuditConnection` is a connection or cursor class" in result.lint_output
    assert_same_behaviour(result, "2 2")


def test_a_class_overriding_only_executemany_makes_it_unsafe_too(tmp_path):
    """The loop never ran the override; the fixed program would."""
    files = _files(method="executemany")
    result = differential(tmp_path, files, target="store.py", lint=("audit.py", "app.py"))
    assert not result.changed, result.after
    assert_same_behaviour(result, "0 2")


def test_a_connection_class_through_a_project_base_makes_executemany_unsafe(tmp_path):
    files = _files(base="base.Base")
    files["audit.py"] = "import base\n" + files["audit.py"]
    files["base.py"] = "import sqlite3\n\n\nclass Base(sqlite3.Connection):\n    pass\n"
    result = differential(tmp_path, files, target="store.py", lint=("audit.py", "base.py"))
    assert not result.changed, result.after
    assert_same_behaviour(result, "2 2")


def test_the_same_loop_without_any_statement_hook_keeps_the_safe_fix(tmp_path):
    files = _files()
    files["audit.py"] = "SENT = []\n"
    files["app.py"] = APP.format(factory="sqlite3.Connection")
    result = differential(tmp_path, files, target="store.py", lint=("audit.py", "app.py"))
    assert "conn.executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "0 2")


def test_a_users_own_connection_class_that_is_no_database_class_keeps_the_fix(tmp_path):
    """Shadowing: a project class named ``Connection`` with its own ``execute`` that does
    not derive from a database library's class is not one the loop's connection can be."""
    files = _files()
    files["audit.py"] = (
        "SENT = []\n\n\nclass Connection:\n    def execute(self, sql):\n        return sql\n\n\n"
        "class Pipeline(Connection):\n    def execute(self, sql):\n        return sql\n"
    )
    files["app.py"] = APP.format(factory="sqlite3.Connection")
    result = differential(tmp_path, files, target="store.py", lint=("audit.py", "app.py"))
    assert "conn.executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "0 2")


TRACED_DB = """\
import sqlite3

SEEN = []


def open_db():
    conn = sqlite3.connect(":memory:")
    conn.set_trace_callback(SEEN.append)
    return conn
"""

TRACED_APP = """\
import db
import store

conn = db.open_db()
conn.execute("CREATE TABLE t (a, b)")
store.save(conn, [(1, 2), (3, 4)])
print([statement for statement in db.SEEN if statement.startswith("INSERT")])
"""


def test_a_trace_callback_registered_in_another_module_keeps_the_fix(tmp_path):
    """Near miss: sqlite3 traces the same INSERT per row under ``executemany``."""
    files = {"store.py": STORE, "db.py": TRACED_DB, "app.py": TRACED_APP}
    result = differential(tmp_path, files, target="store.py", lint=("db.py", "app.py"))
    assert "conn.executemany(" in result.after, result.lint_output
    assert_same_behaviour(
        result, "['INSERT INTO t (a, b) VALUES (1, 2)', 'INSERT INTO t (a, b) VALUES (3, 4)']"
    )


WRAPPED_STORE = """\
from django.db import connection, transaction


def save(names):
    rows = [(name,) for name in names]
    cur = connection.cursor()
    with transaction.atomic():
        for row in rows:
            cur.execute("INSERT INTO people (name) VALUES (%s)", row)
"""

WRAPPER = """\
from django.db import connection


class QueryLog:
    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((params, many))
        return execute(sql, params, many, context)


def logged(work, *args):
    log = QueryLog()
    with connection.execute_wrapper(log):
        work(*args)
    return log.queries
"""

WRAPPED_APP = (
    SHOP_SETTINGS.replace('INSTALLED_APPS=["shop"]', "INSTALLED_APPS=[]")
    + """\
from django.db import connection

from store import save
from wrapper import logged

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE people (name TEXT)")
print(logged(save, ["ann", "bob"]))
"""
)


def test_djangos_execute_wrapper_in_another_module_makes_executemany_unsafe(tmp_path):
    files = {"store.py": WRAPPED_STORE, "wrapper.py": WRAPPER, "app.py": WRAPPED_APP}
    result = differential(tmp_path, files, target="store.py", lint=("wrapper.py", "app.py"))
    assert not result.changed, result.after
    assert "`execute_wrapper()` (`wrapper`, line 15) wraps" in result.lint_output, (
        result.lint_output
    )
    assert_same_behaviour(result, "[(None, False), (('ann',), False), (('bob',), False)]")


def _unsafe_reasons(report: str) -> list[str]:
    diagnostics = json.loads(report)["diagnostics"]
    return [d["fix"]["description"] for d in diagnostics if d.get("fix")]


def test_every_front_end_sees_the_hook_of_another_module(tmp_path):
    """A run of the project, a run of the one file (pre-commit's shape) and a buffer
    linted with the project's facts (the language server, pytest items) agree."""
    for name, text in {**_files(), "pyproject.toml": "[tool.throughlint]\n"}.items():
        (tmp_path / name).write_text(text)
    whole = _unsafe_reasons(throughlint(tmp_path, "--format", "json", "--show-all", ".").stdout)
    alone = _unsafe_reasons(
        throughlint(tmp_path, "--format", "json", "--show-all", "store.py").stdout
    )
    settings = load_settings(None, str(tmp_path / "store.py"), known_codes())
    project = Project(settings, str(tmp_path))
    buffer = [
        d.fix.description
        for d in project.lint_buffer(str(tmp_path / "store.py"), STORE, raw=True)
        if d.fix is not None
    ]
    assert len(whole) == 1 and "unsafe: `audit.AuditConnection`" in whole[0], whole
    assert alone == whole
    assert buffer == whole
