"""Flask's request global as the holder of a connection (``effects.database.app_global``):
the tutorial's ``get_db()`` binds ``g.db = sqlite3.connect(...)`` and returns ``g.db``;
a view loops over a form's values and commits each insert. The commit is a commit per
item only once the index knows what ``g.db`` holds. Near misses: ``g.db`` bound to two
different values (unknown), and a user's own ``g`` object. Through the real command
line."""

from __future__ import annotations

import pytest
from support.cli_projects import findings_by_function, lint_json, write_project

DB = """\
import sqlite3

from flask import current_app, g


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
    return g.db
"""

# a second binding of ``g.db`` to something else: what it holds is unknown
TWO_VALUES = (
    DB
    + """

class Recorder:
    def commit(self):
        return None


def use_recorder():
    g.db = Recorder()
"""
)

# the user's own ``g``: not Flask's request global
OWN_G = DB.replace("from flask import current_app, g\n", "from flask import current_app\n").replace(
    "import sqlite3\n", "import sqlite3\n\n\nclass Globals:\n    pass\n\n\ng = Globals()\n"
)

VIEWS = """\
from flask import request

from app.db import get_db


def add_tags():
    db = get_db()
    for tag in request.form.getlist("tags"):
        db.commit()


def commit_once():
    db = get_db()
    for tag in request.form.getlist("tags"):
        tag.strip()
    db.commit()
"""


@pytest.mark.parametrize(
    ("db", "expected"),
    [
        pytest.param(DB, ["add_tags"], id="bad-tutorial-get-db"),
        pytest.param(TWO_VALUES, [], id="near-miss-bound-twice"),
        pytest.param(OWN_G, [], id="own-g-shadowing"),
    ],
)
def test_what_the_request_global_holds_types_its_getter(run_cli, tmp_path, db, expected):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/db.py": db, "app/views.py": VIEWS})
    report = lint_json(run_cli, root, "--show-all", "--select", "TL103")
    assert sorted(findings_by_function(report, VIEWS, "views.py")) == expected


POINTED = """\
import sqlite3

from flask import g
from sqlalchemy.orm import scoped_session, sessionmaker


def connect_db():
    rv = sqlite3.connect("flaskr.db")
    return rv


def get_db():
    if not hasattr(g, "sqlite_db"):
        g.sqlite_db = connect_db()
    return g.sqlite_db


class CalibreDB:
    def connect(self):
        return self.setup_db("metadata.db")

    @classmethod
    def setup_db(cls, path):
        if not path:
            return None
        return scoped_session(sessionmaker())

    @property
    def session(self):
        if not g.get("lib_sql"):
            g.lib_sql = self.connect()
        return g.lib_sql

    def plain(self):
        return object()

    @property
    def other(self):
        if not g.get("other"):
            g.other = self.plain()
        return g.other
"""

POINTED_VIEWS = """\
from app.db import CalibreDB, get_db


def tutorial(items):
    db = get_db()
    for item in items:
        db.commit()


def through_property(items, calibre_db: CalibreDB):
    for item in items:
        calibre_db.session.commit()


def through_other(items, calibre_db: CalibreDB):
    for item in items:
        calibre_db.other.commit()
"""


def test_the_request_global_holds_what_a_project_function_returns(run_cli, tmp_path):
    """The older Flask tutorial (``g.sqlite_db = connect_db()``) and Calibre-Web's
    ``calibre_db.session`` (a property returning ``g.lib_sql``, bound to what
    ``self.connect()`` returns, which returns what ``setup_db()`` builds): the index
    follows ``g``'s attribute to the function, and that function's return to the next.
    Near miss: a function returning something else."""
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/db.py": POINTED, "app/views.py": POINTED_VIEWS}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL103")
    found = findings_by_function(report, POINTED_VIEWS, "views.py")
    assert sorted(found) == ["through_property", "tutorial"]
