"""A user's own class named like a database API (``Session``, ``Cursor``) is not one: its
instances' calls are what its methods do, not what the name suggests (issue 12, the type
layer's shadowing cases). Through the real command."""

from __future__ import annotations

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
            return [session.get(User, pk) for pk in ids]  # expect: TL101
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
    check_project(run_cli, tmp_path, files, ("TL101",), "--show-all")
