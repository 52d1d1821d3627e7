"""The legacy Query API's bulk statements: ``session.query(Package).filter(...).delete()``
and ``.update({...})`` run one DELETE / UPDATE at once (not buffered in the unit of work
as ``session.delete(obj)`` is), so one per item is a write per item (TL102), not a read.
A receiver of any name counts when its ``query()`` is given a class the project index
finds mapped (pypicloud's ``self.db = self.dbmaker()``). Near misses: one statement for
all items, a query that only builds a subquery, a plain class given to another object's
``query()``, a dict's ``update()``, and a user's own ``Session``. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    app_findings,
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Package(Base):
    __tablename__ = "packages"
    id = Column(Integer, primary_key=True)
    filename = Column(String)


class Plugin:
    def __init__(self, name):
        self.name = name
"""

CACHE = """\
from sqlalchemy.orm import Session

from app.models import Package


def drop_each_typed(engine, stale):
    session = Session(engine)
    for pkg in stale:
        session.query(Package).filter(Package.filename == pkg.filename).delete()
    session.commit()


def rename_each_typed(engine, stale):
    session = Session(engine)
    for pkg in stale:
        session.query(Package).filter(Package.id == pkg.id).update({"filename": pkg.new})
    session.commit()


def drop_all_at_once(engine, stale):
    session = Session(engine)
    names = [pkg.filename for pkg in stale]
    session.query(Package).filter(Package.filename.in_(names)).delete(
        synchronize_session=False
    )
    session.commit()


def wipe_each(engine, models):
    session = Session(engine)
    for model in models:
        session.query(model).delete()
    session.commit()


def subquery_each(engine, names):
    session = Session(engine)
    joins = []
    for name in names:
        joins.append(session.query(Package.id).filter(Package.filename == name).subquery())
    return joins


def first_each(engine, names):
    session = Session(engine)
    for name in names:
        print(session.query(Package).filter(Package.filename == name).first())
"""

STORE = """\
from app.models import Package, Plugin


class SQLCache:
    def __init__(self, dbmaker):
        self.dbmaker = dbmaker
        self.db = self.dbmaker()
        self.registry = Registry()
        self.counts = {}

    def prune(self, stale):
        for pkg in stale:
            self.db.query(Package).filter(
                Package.filename == pkg.filename
            ).delete(synchronize_session=False)

    def lookup(self, names):
        return [self.db.query(Package).filter_by(filename=n).first() for n in names]

    def unregister(self, names):
        for name in names:
            self.registry.query(Plugin).filter(name).delete()

    def tally(self, names):
        for name in names:
            self.counts.update({name: 1})


class Registry:
    def __init__(self):
        self.items = []

    def query(self, kind):
        return self

    def filter(self, name):
        return self

    def delete(self):
        self.items.clear()
"""

OWN_SESSION = """\
from app.models import Package


class Session:
    def __init__(self):
        self.log = []

    def query(self, kind):
        return self

    def filter(self, *conditions):
        return self

    def delete(self):
        self.log.append("delete")


def drop_each_own(stale):
    session = Session()
    for pkg in stale:
        session.query(Package).filter(Package.filename == pkg.filename).delete()
"""


def _lint(tmp_path, name: str, source: str) -> dict[str, dict]:
    return app_findings(tmp_path, MODELS, name, source)


def test_bulk_statements_per_item(tmp_path):
    found = _lint(tmp_path, "cache", CACHE)
    assert found["drop_each_typed"]["code"] == "TL102"
    assert "runs a DELETE on every pass" in found["drop_each_typed"]["message"]
    assert found["rename_each_typed"]["code"] == "TL102"
    assert "runs an UPDATE on every pass" in found["rename_each_typed"]["message"]
    assert "drop_all_at_once" not in found
    assert "subquery_each" not in found  # builds a statement: runs nothing per name
    assert "wipe_each" not in found  # a statement per table, not per row
    assert found["first_each"]["code"] == "TL101"


def test_any_receiver_given_a_mapped_class(tmp_path):
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/models.py": MODELS, "app/store.py": STORE},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    lines = {
        (d["code"], d["line"]) for d in report["diagnostics"] if d["path"].endswith("store.py")
    }
    source = STORE.splitlines()
    prune = source.index("            self.db.query(Package).filter(") + 1
    lookup = next(n for n, text in enumerate(source, 1) if "filter_by(filename=n)" in text)
    assert ("TL102", prune) in lines
    assert ("TL101", prune) not in lines  # the query() is the DELETE's, not a read
    assert ("TL101", lookup) in lines
    unregister = next(n for n, text in enumerate(source, 1) if "registry.query" in text)
    tally = next(n for n, text in enumerate(source, 1) if "counts.update" in text)
    assert not {line for _, line in lines} & {unregister, tally}


def test_users_own_session(tmp_path):
    assert _lint(tmp_path, "own", OWN_SESSION) == {}


ORM = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Group(Base):
    __tablename__ = "groups"
    id = Column(Integer, primary_key=True)
    name = Column(String)

    @classmethod
    def find(cls, db, name):
        return db.query(cls).filter(cls.name == name).first()


class Registry:
    @classmethod
    def find(cls, db, name):
        return db.query(cls).filter(name).first()
"""

HANDLERS = """\
from app.orm import Group, Registry


def groups(settings, names):
    db = settings["db"]
    return [Group.find(db, name) for name in names]


def registries(settings, names):
    db = settings["db"]
    return [Registry.find(db, name) for name in names]
"""

# the callers pass the user's own store: what they pass decides, not the mapped class
OWN_STORE_HANDLERS = """\
from app.orm import Group


class Store:
    def query(self, kind):
        return self

    def filter(self, *conditions):
        return self

    def first(self):
        return None


def groups(names):
    store = Store()
    return [Group.find(store, name) for name in names]
"""


def test_a_parameter_the_callers_leave_untyped_typed_by_its_query(tmp_path):
    """jupyterhub's ``Group.find(db, name)``: ``db`` comes from a settings mapping, so
    its callers do not type it, but the mapped class its ``query()`` names does."""
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/orm.py": ORM, "app/handlers.py": HANDLERS}
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    found = findings_by_function(report, HANDLERS, "handlers.py")
    assert "`Group.find()` runs a query" in found["groups"]["message"]
    assert "registries" not in found


def test_what_the_callers_pass_decides(tmp_path):
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/orm.py": ORM, "app/handlers.py": OWN_STORE_HANDLERS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    assert findings_by_function(report, OWN_STORE_HANDLERS, "handlers.py") == {}
