"""Flask-SQLAlchemy 3's select style (round 21, second probe helper e5):
``db.session.execute(db.select(Author)).scalars()`` yields Author rows, so a lazy
relationship read per row is TL101, as over ``Author.query.all()``. Near misses: the
relation loaded with ``.options(db.selectinload(...))``, and a user's own ``db`` whose
``select`` builds no query (no mapped class). Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    books = db.relationship("Book", backref="author", lazy=True)


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))
"""

OWN_MODELS = """\
class Shelf:
    def __init__(self):
        self.rows = []

    def execute(self, statement):
        return self

    def scalars(self):
        return iter(self.rows)


class Registry:
    session = Shelf()

    def select(self, kind):
        return kind


db = Registry()


class Author:
    books = []
"""

VIEWS = """\
from .models import Author, db


def authors():
    rows = db.session.execute(db.select(Author).order_by(Author.name)).scalars()
    return [{"name": a.name, "books": len(a.books)} for a in rows]


def authors_loaded():
    stmt = db.select(Author).options(db.selectinload(Author.books))
    return [len(a.books) for a in db.session.execute(stmt).scalars()]
"""


def test_select_style_rows(tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": VIEWS}
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    found = findings_by_function(report, VIEWS, "views.py")
    assert "`a.books` lazy-loads" in found["authors"]["message"]
    assert "authors_loaded" not in found, found.get("authors_loaded")


def test_users_own_db_is_no_query(tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/models.py": OWN_MODELS, "app/views.py": VIEWS}
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    assert report["diagnostics"] == []
