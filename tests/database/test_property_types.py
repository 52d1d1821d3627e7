"""Properties and attributes typed through the project index (issue 12, class 2):

- an unannotated ``@property`` typed by what it returns, an annotated one by its
  annotation, across modules (flask-appbuilder's ``SecurityManager.session`` returns
  ``current_app.appbuilder.session``, and ``AppBuilder.session -> Session``);
- ``app.appbuilder = self`` (``app: Flask``) typing ``current_app.appbuilder``;
- ``self.connection = connection`` with ``connection: Redis`` typing ``self.connection``.

Each: bad, good, near-miss and a shadowing case (the user's own ``Session`` / ``Redis``),
through the real CLI, default output and ``--preview``."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import lint_json, write_project

BUILDER = """\
from flask import Flask
from sqlalchemy.orm import Session


class AppBuilder:
    def __init__(self, app: Flask, session: Session):
        self._session = session
        self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.appbuilder = self

    @property
    def session(self) -> Session:
        return self._session
"""

MANAGER = """\
from flask import current_app

from app.models import Permission


class SecurityManager:
    @property
    def session(self):
        return current_app.appbuilder.session

    def add_permission(self, name):
        permission = Permission(name=name)
        self.session.add(permission)
        self.session.commit()
        return permission

    def sync(self, names):
        for name in names:
            self.add_permission(name)  # TL103

    def sync_once(self, names):
        for name in names:
            self.session.add(Permission(name=name))
        self.session.commit()
"""

API = """\
from flask import current_app

from app.models import Permission


def add_permissions(ids):
    found = []
    for id in ids:
        permission = (
            current_app.appbuilder.session.query(Permission)  # TL101
            .filter_by(id=id)
            .one_or_none()
        )
        found.append(permission)
    return found


def add_permissions_at_once(ids):
    return current_app.appbuilder.session.query(Permission).filter(Permission.id.in_(ids)).all()
"""

MODELS = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Permission(Base):
    __tablename__ = "permission"
    id = Column(Integer, primary_key=True)
    name = Column(String)
"""

# the user's own class called Session: no database round trip
OWN_SESSION = BUILDER.replace(
    "from sqlalchemy.orm import Session\n",
    "\n\nclass Session:\n    def add(self, item):\n        return item\n\n"
    "    def commit(self):\n        return None\n\n    def query(self, model):\n"
    "        return self\n",
)
# the attribute is set to two different classes' instances: unknown
TWO_BUILDERS = (
    BUILDER
    + """

class OtherBuilder:
    def init_app(self, app: Flask) -> None:
        app.appbuilder = self
"""
)


def _expected(files: dict[str, str], code: str) -> dict[str, list[int]]:
    return {
        path: [n for n, line in enumerate(text.splitlines(), 1) if line.endswith(f"# {code}")]
        for path, text in files.items()
    }


def _found(report: dict, files: dict[str, str], code: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {path: [] for path in files}
    for finding in report["diagnostics"]:
        if finding["code"] == code:
            found[finding["path"]].append(finding["line"])
    return found


def _project(builder: str, clean: bool) -> dict[str, str]:
    files = {"app/base.py": builder, "app/manager.py": MANAGER, "app/api.py": API}
    if clean:
        files = {
            path: text.replace("  # TL103", "").replace("  # TL101", "")
            for path, text in files.items()
        }
    return {"app/__init__.py": "", "app/models.py": MODELS, **files}


@pytest.mark.parametrize(
    ("builder", "clean"),
    [
        pytest.param(BUILDER, False, id="bad-property-chain"),
        pytest.param(OWN_SESSION, True, id="own-session-shadowing"),
        pytest.param(TWO_BUILDERS, True, id="near-miss-two-classes-set-the-attribute"),
    ],
)
def test_property_chain(run_cli, tmp_path, builder, clean):
    files = _project(builder, clean)
    root = write_project(tmp_path, files)
    report = lint_json(run_cli, root, "--isolated", "--show-all", "--select", "TL101,TL103")
    assert _found(report, files, "TL103") == _expected(files, "TL103")
    assert _found(report, files, "TL101") == _expected(files, "TL101")
    assert all(finding["confidence"] == "typed" for finding in report["diagnostics"])


def test_property_chain_preview_is_typed(run_cli, tmp_path):
    files = _project(BUILDER, False)
    root = write_project(tmp_path, files)
    report = lint_json(
        run_cli, root, "--isolated", "--show-all", "--preview", "--select", "TL101,TL103"
    )
    assert _found(report, files, "TL103") == _expected(files, "TL103")
    assert _found(report, files, "TL101") == _expected(files, "TL101")
    assert {finding["confidence"] for finding in report["diagnostics"]} == {"typed"}


UNANNOTATED = """\
from sqlalchemy.orm import sessionmaker

from app.models import Permission

SessionLocal = sessionmaker()


class Repository:
    @property
    def session(self):
        return SessionLocal()

    def load(self, ids):
        return [self.session.query(Permission).filter_by(id=id).first() for id in ids]  # TL101

    def load_at_once(self, ids):
        return self.session.query(Permission).filter(Permission.id.in_(ids)).all()


class Cache:
    @property
    def session(self):
        return {}

    def load(self, ids):
        return [self.session.query(Permission) for id in ids]
"""


def test_unannotated_property_in_its_own_module(run_cli, tmp_path):
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/repo.py": UNANNOTATED}
    root = write_project(tmp_path, files)
    report = lint_json(run_cli, root, "--isolated", "--show-all", "--select", "TL101")
    assert _found(report, files, "TL101") == _expected(files, "TL101")


CLIENT = """\
from redis import Redis


class Store:
    def __init__(self, connection: Redis):
        self.connection = connection

    def get_many(self, keys):
        return [self.connection.get(key) for key in keys]  # TL401

    def get_many_at_once(self, keys):
        return self.connection.mget(keys)
"""
# the user's own Redis
OWN_REDIS = CLIENT.replace(
    "from redis import Redis\n",
    "class Redis:\n    def get(self, key):\n        return key\n",
).replace("  # TL401", "")
# another method sets the attribute from a parameter of another type: unknown
TWO_TYPES = CLIENT.replace(
    "    def get_many(self, keys):",
    "    def reset(self, connection: dict):\n        self.connection = connection\n\n"
    "    def get_many(self, keys):",
).replace("  # TL401", "")
# an unannotated parameter says nothing
UNANNOTATED_PARAMETER = CLIENT.replace("connection: Redis", "connection").replace("  # TL401", "")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(CLIENT, id="bad-annotated-parameter"),
        pytest.param(OWN_REDIS, id="own-redis-shadowing"),
        pytest.param(TWO_TYPES, id="near-miss-two-types"),
        pytest.param(UNANNOTATED_PARAMETER, id="near-miss-unannotated"),
    ],
)
@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_attribute_from_annotated_parameter(run_cli, tmp_path, text, preview):
    files = {"app/__init__.py": "", "app/store.py": text}
    root = write_project(tmp_path, files)
    options = ("--preview",) if preview else ()
    report = lint_json(run_cli, root, "--isolated", "--show-all", "--select", "TL401", *options)
    assert _found(report, files, "TL401") == _expected(files, "TL401")
