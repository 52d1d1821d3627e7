"""``Base = declarative_base(cls=FidesBase)`` (new10 audit, fides): the mapped classes
inherit the mixin's methods, so ``Declaration.create()`` and a ``super().create()`` in a
model run ``FidesBase.create``. Before, the base was a library class of unknown methods,
and the index stood a sibling model's ``create`` override in for it (its commit was
cited for a class that never runs it). Checked through the real CLI, and the inheritance
itself against real SQLAlchemy."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

from tests.support.cli_projects import lint_json, run_module_cli, write_project

BASE = """\
from sqlalchemy.orm import Session, declarative_base


class FidesBase:
    @classmethod
    def create(cls, db: Session, *, data):
        obj = cls(**data)
        db.add(obj)
        {commit}
        return obj


Base = declarative_base(cls=FidesBase)
"""

MODELS = """\
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session

from app.base import Base


class Notice(Base):
    __tablename__ = "notice"
    id = Column(Integer, primary_key=True)

    @classmethod
    def create(cls, db: Session, *, data):
        obj = super().create(db, data=data)
        db.commit()
        return obj


class Declaration(Base):
    __tablename__ = "declaration"
    id = Column(Integer, primary_key=True)

    @classmethod
    def create(cls, db: Session, *, data):
        return super().create(db, data=data)


class Purpose(Base):
    __tablename__ = "purpose"
    id = Column(Integer, primary_key=True)
"""

SERVICE = """\
from sqlalchemy.orm import Session

from app.models import Declaration, Purpose


def declare(db: Session, items):
    for item in items:
        Declaration.create(db, data=item)


def purposes(db: Session, items):
    for item in items:
        Purpose.create(db, data=item)
"""


def _findings(tmp_path, commit: str) -> list[tuple[int, str, str]]:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": BASE.format(commit=commit),
            "app/models.py": MODELS,
            "app/service.py": SERVICE,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL1", "--show-all")
    return [(d["line"], d["code"], d["message"]) for d in report["diagnostics"]]


def test_the_mixins_method_runs_not_a_siblings_override(tmp_path):
    """Near miss for the old reading: the mixin's ``create`` only adds (no round trip),
    so neither loop commits, though a sibling model's override does."""
    assert _findings(tmp_path, "pass") == []


@pytest.mark.parametrize("line", [8, 13])
def test_the_mixins_commit_is_reported_through_it(tmp_path, line):
    found = _findings(tmp_path, "db.commit()")
    (message,) = [m for at, code, m in found if at == line and code == "TL103"]
    assert "(app.base, line 9)" in message, message


def test_sqlalchemy_maps_the_mixins_methods_onto_the_models():
    class Mixin:
        @classmethod
        def create(cls):
            return cls.__name__

    base = declarative_base(cls=Mixin)

    class Declaration(base):
        __tablename__ = "declaration"
        id = Column(Integer, primary_key=True)

    assert Declaration.create() == "Declaration" and Declaration.create.__func__ is (
        Mixin.create.__func__
    )
