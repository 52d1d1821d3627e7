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
