"""``sqlalchemy.orm.object_session(obj)`` is the session the object belongs to: its
queries are a session's (sqlalchemy-continuum's ``UnitOfWork.update_version_validity``,
run for each operation of a flush by ``create_version_objects``).

Run through the real CLI (``--show-all``: what is found, not what is shown).
"""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

VERSIONS = """\
import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session


class UnitOfWork:
    def update_validity(self, version_obj, version_cls):
        session = sa.orm.object_session(version_obj)
        query = sa.select(version_cls).where(version_cls.id == version_obj.id)
        return session.scalars(query).all()

    def create_versions(self, operations, version_cls):
        for operation in operations:
            self.update_validity(operation.target, version_cls)


def latest(objs, version_cls):
    return [
        object_session(obj).scalars(sa.select(version_cls).where(version_cls.id == obj.id)).first()
        for obj in objs
    ]


def latest_at_once(objs, version_cls):
    session = Session.object_session(objs[0])
    ids = [obj.id for obj in objs]
    return session.scalars(sa.select(version_cls).where(version_cls.id.in_(ids))).all()


def attach(objs, version_cls):
    for obj in objs:
        object_session(obj).add(version_cls(id=obj.id))
"""

OWN = """\
import sqlalchemy as sa


def object_session(obj):
    return obj.recorder


def replay(objs, version_cls):
    for obj in objs:
        object_session(obj).scalars(sa.select(version_cls))
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    root = write_project(
        tmp_path_factory.mktemp("sessions"),
        {"vers/__init__.py": "", "vers/versions.py": VERSIONS, "vers/own.py": OWN},
    )
    return lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")


@pytest.fixture(scope="module")
def found(report) -> dict[str, dict]:
    return findings_by_function(report, VERSIONS, "versions.py")


@pytest.mark.parametrize("owner", ["UnitOfWork", "latest"])
def test_a_query_on_the_objects_session_runs_per_item(found, owner):
    diagnostic = found.get(owner)
    assert diagnostic is not None
    assert diagnostic["code"] == "TL101"


def test_one_query_for_all_items_is_clean(found):
    assert "latest_at_once" not in found, found.get("latest_at_once")


def test_adding_to_the_session_without_a_flush_is_no_write(found):
    assert "attach" not in found, found.get("attach")


def test_a_function_of_the_project_named_object_session_is_not_sqlalchemys(report):
    assert not findings_by_function(report, OWN, "own.py")
