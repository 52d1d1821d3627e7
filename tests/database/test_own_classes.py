"""What a receiver named like a database API is (issue 12, the type layer's shadowing
cases), through the real command: a user's own class (``Session``, ``Cursor``) is not one,
its calls are what its methods do; a session the app hangs on flask's globals
(``current_app.db.session``, ``g.db_session``) is not flask's cookie session."""

from __future__ import annotations

import json

import pytest

from expectations import check_project

SOURCES = {
    "sqlalchemy-session-gets-per-item": """
        from sqlalchemy.orm import Session

        from app.models import User

        def load(session: Session, ids):
            return [session.get(User, pk) for pk in ids]  # expect: TL101
        """,
    "own-session-class": """
        class Session:
            def get(self, model, key):
                return (model, key)

        def load(session: Session, ids):
            return [session.get(Session, pk) for pk in ids]
        """,
    "own-cursor-class-built-here": """
        class Cursor:
            def execute(self, sql, params=()):
                return sql, params

        def load(ids):
            cursor = Cursor()
            for pk in ids:
                cursor.execute("SELECT name FROM users WHERE id = ?", (pk,))
        """,
    "near-miss-own-subclass-of-the-sqlalchemy-session": """
        from sqlalchemy.orm import Session as Base

        from app.models import User

        class Session(Base):
            pass

        def load(session: Session, ids):
            return [session.get(User, pk) for pk in ids]  # expect: TL101
        """,
    "near-miss-unknown-session-stays-a-heuristic": """
        from app.models import User

        def load(session, ids):
            return [session.get(User, pk) for pk in ids]  # expect-preview: TL101
        """,
}

MODELS = """
    from sqlalchemy import Column, Integer
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()


    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
"""


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_own_class_named_like_a_database_api(run_cli, tmp_path, source):
    files = {"app/models.py": MODELS, "app/ops.py": source}
    check_project(run_cli, tmp_path, files, ("TL101",), "--show-all", "--preview", preview=True)
    check_project(run_cli, tmp_path, files, ("TL101",), "--show-all")


APP_HELD = {
    "session-held-by-the-app": """
        from flask import current_app

        def add(ids, Permission):
            return [
                current_app.appbuilder.session.query(Permission).get(pk)  # expect-preview: TL101
                for pk in ids
            ]
        """,
    "session-on-g": """
        from flask import g

        def add(ids, Permission):
            for pk in ids:
                g.db_session.query(Permission).get(pk)  # expect-preview: TL101
        """,
    "near-miss-flask-cookie-session": """
        from flask import session

        def values(keys):
            return [session.get(key) for key in keys]
        """,
    "own-session-class-held-by-the-app": """
        from flask import current_app

        class Session:
            def query(self, model):
                return model

        def add(ids, Permission):
            session = Session()
            return [session.query(Permission) for pk in ids]
        """,
}


@pytest.mark.parametrize("source", APP_HELD.values(), ids=APP_HELD.keys())
def test_session_hung_on_the_frameworks_globals(run_cli, tmp_path, source):
    """``current_app.x.session`` / ``g.db_session`` are the app's own objects: flask's
    name (``flask.session`` is a cookie) says nothing about them, so the name tier counts."""
    files = {"app/api.py": source}
    check_project(run_cli, tmp_path, files, ("TL101",), "--show-all", "--preview", preview=True)
    check_project(run_cli, tmp_path, files, ("TL101",), "--show-all")


CONFIDENCE = {
    "typed": (
        """
        import sqlite3

        def load(ids):
            conn = sqlite3.connect("app.db")
            for pk in ids:
                conn.execute("SELECT name FROM users WHERE id = ?", (pk,))  # expect: TL101
        """,
        {"typed"},
    ),
    "a-cursor-known-by-its-name": (
        """
        def load(cursor, ids, statement):
            for pk in ids:
                cursor.execute(statement, (pk,))
                cursor.commit()  # expect: TL103
        """,
        {"heuristic"},
    ),
    "a-session-known-by-its-name": (
        """
        from app.models import User

        def load(session, ids):
            return [session.get(User, pk) for pk in ids]  # expect: TL101
        """,
        {"heuristic"},
    ),
    "save-in-a-django-file": (
        """
        from django.db import models

        def touch(items):
            for item in items:
                item.save()  # expect: TL102
        """,
        {"heuristic"},
    ),
}


@pytest.mark.parametrize("case", CONFIDENCE.values(), ids=CONFIDENCE.keys())
def test_database_calls_known_by_name_are_the_heuristic_tier(run_cli, tmp_path, case):
    """A call known to be a database call only by its receiver's name carries
    ``confidence: heuristic`` (with ``--preview``: the name tier is a preview tier) and
    goes away with ``heuristics = false``, also with ``--preview``."""
    source, confidence = case
    codes = ("TL101", "TL102", "TL103")
    files = {"app/models.py": MODELS, "app/ops.py": source}
    found = check_project(run_cli, tmp_path, files, codes, "--show-all", "--preview")
    assert {item["confidence"] for item in found} == confidence
    (tmp_path / "proj" / "pyproject.toml").write_text("[tool.throughlint]\nheuristics = false\n")
    completed = run_cli(
        str(tmp_path / "proj"),
        "--format",
        "json",
        "--no-cache",
        "--show-all",
        "--preview",
        "--select",
        ",".join(codes),
    )
    left = json.loads(completed.stdout)["diagnostics"]
    assert bool(left) == (confidence == {"typed"})
