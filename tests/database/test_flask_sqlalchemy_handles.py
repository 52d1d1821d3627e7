"""``db = SQLAlchemy()`` in one module and ``from app import db`` in another, Flask-
SQLAlchemy's usual layout: ``db.session.commit()`` is a session's commit. The index keeps
the module's ``db`` (``effects/database.DATABASE_HANDLES``) and types the other module's
calls through it, as it does a ``sessionmaker``. Before, only a session named ``session``
was reported, and only under ``--preview`` (zou: ``Model.create()`` commits per row)."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

EXTENSIONS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
"""

OWN = """\
class Store:
    def add(self, row):
        return row

    def commit(self):
        return None


class Database:
    session = Store()


db = Database()
"""

REBOUND = """\
from flask_sqlalchemy import SQLAlchemy

from app.own import Database

db = SQLAlchemy()
db = Database()  # what an importer gets
"""

MODELS = """\
from app.extensions import db


class BaseMixin:
    @classmethod
    def create(cls, **fields):
        instance = cls(**fields)
        db.session.add(instance)
        db.session.commit()
        return instance
"""

JOBS = """\
from app.extensions import db
from app.models import BaseMixin
from app.own import db as own_db
from app.rebound import db as rebound_db


def save_all(rows):
    for row in rows:
        db.session.add(row)
        db.session.commit()


def create_all(names):
    for name in names:
        BaseMixin.create(name=name)


def save_once(rows):
    for row in rows:
        db.session.add(row)
    db.session.commit()


def own_store(rows):
    for row in rows:
        own_db.session.add(row)
        own_db.session.commit()


def rebound_store(rows):
    for row in rows:
        rebound_db.session.add(row)
        rebound_db.session.commit()
"""


def test_a_flask_sqlalchemy_db_imported_from_another_module(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/extensions.py": EXTENSIONS,
            "app/own.py": OWN,
            "app/rebound.py": REBOUND,
            "app/models.py": MODELS,
            "app/jobs.py": JOBS,
        },
    )
    report = lint_json(run_cli, root, "--show-all")
    found = findings_by_function(report, JOBS, "jobs.py")
    assert {name: finding["code"] for name, finding in found.items()} == {
        "save_all": "TL103",
        "create_all": "TL103",
    }
    assert "db.session.commit()" in found["create_all"]["message"]
