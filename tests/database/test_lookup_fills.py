"""Get-or-create written out (``semantic/lookup_fills.py``): a row looked up and created
only when the lookup found nothing commits once per key in the database's life, not on
every call. zou's ``get_entity_type_by_name("Shot")`` was a commit per shot (25 of its
110 TL103 findings rested only on such a branch: the second new5 draw's misread class).
Near misses: a create under a test of something else, and Django's ``get_or_create()``,
which stays a write per call."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class EntityType(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True)
"""

SERVICES = """\
from app.models import EntityType, db


def get_entity_type_by_name(name):
    entity_type = EntityType.query.filter_by(name=name).first()
    if entity_type is None:
        entity_type = EntityType(name=name)
        db.session.add(entity_type)
        db.session.commit()
    return entity_type


def from_known(name, known):
    entity_type = known.get(name)
    if entity_type is None:
        entity_type = EntityType(name=name)
        db.session.add(entity_type)
        db.session.commit()
    return entity_type


def make_entity_type(name, missing):
    entity_type = EntityType.query.filter_by(name=name).first()
    if missing:
        entity_type = EntityType(name=name)
        db.session.add(entity_type)
        db.session.commit()
    return entity_type
"""

JOBS = """\
from app.services import from_known, get_entity_type_by_name, make_entity_type


def label_shots(shots):
    for shot in shots:
        shot["type_id"] = get_entity_type_by_name("Shot").id


def label_from_a_dict(shots):
    for shot in shots:
        shot["type_id"] = from_known("Shot", {}).id


def label_missing(shots):
    for shot in shots:
        shot["type_id"] = make_entity_type("Shot", shot["new"]).id
"""


def test_a_row_created_when_a_lookup_finds_none_commits_once_per_key(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/services.py": SERVICES,
            "app/jobs.py": JOBS,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL103")
    found = findings_by_function(report, JOBS, "jobs.py")
    # a dict's ``get`` is no lookup of a row: its ``if`` runs on every call
    assert sorted(found) == ["label_from_a_dict", "label_missing"]


DRIVE = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class GdriveId(Base):
    __tablename__ = "gdrive_ids"
    id = Column(Integer, primary_key=True)
    path = Column(String)
    gdrive_id = Column(String)


class AuditLog(Base):
    __tablename__ = "audit"
    id = Column(Integer, primary_key=True)


def root_folder_id(session: Session):
    stored = session.query(GdriveId).filter(GdriveId.path == "/").first()
    if stored:
        return stored.gdrive_id
    else:
        created = GdriveId()
        created.path = "/"
        session.merge(created)
        session.commit()
        return created.gdrive_id


def root_folder_id_no_else(session: Session):
    stored = session.query(GdriveId).filter(GdriveId.path == "/").first()
    if stored is not None:
        return stored.gdrive_id
    created = GdriveId(path="/")
    session.merge(created)
    session.commit()
    return created.gdrive_id


def folder_id(session: Session, path):
    stored = session.query(GdriveId).filter(GdriveId.path == path).first()
    if not stored:
        changed = False
        for part in path.split("/"):
            found = GdriveId(path=part)
            session.merge(found)
            changed = True
        if changed:
            session.commit()
        return None
    return stored.gdrive_id


def audited(session: Session):
    stored = session.query(GdriveId).filter(GdriveId.path == "/").first()
    if stored:
        return stored.gdrive_id
    else:
        session.merge(AuditLog())
        session.commit()
        return None


def sync(session: Session, books):
    for book in books:
        book.folder = root_folder_id(session)


def sync_no_else(session: Session, books):
    for book in books:
        book.folder = root_folder_id_no_else(session)


def sync_folders(session: Session, books):
    for book in books:
        book.folder = folder_id(session, book.path)


def sync_audited(session: Session, books):
    for book in books:
        book.folder = audited(session)
"""


def test_a_row_found_is_returned_and_the_rest_creates_it(run_cli, tmp_path):
    """Calibre-Web's ``getEbooksFolderId``: the row found is returned, the ``else`` creates
    and commits it (once in the life of the database); ``getFolderId`` creates the rows
    under ``if not stored:`` without binding ``stored`` again (the new6 audit's misread,
    twice). Near miss: what the rest writes is another model's row, on every miss."""
    root = write_project(tmp_path, {"app/__init__.py": "", "app/drive.py": DRIVE})
    report = lint_json(run_cli, root, "--show-all", "--select", "TL102,TL103")
    found = findings_by_function(report, DRIVE, "drive.py")
    assert sorted(found) == ["sync_audited"]


ROWS = """\
import asyncpg


class PuppetRow:
    db: asyncpg.Pool

    @classmethod
    async def get_by_tgid(cls, tgid):
        return await cls.db.fetchrow("SELECT * FROM puppet WHERE id=$1", tgid)

    async def insert(self):
        await self.db.execute("INSERT INTO puppet (id) VALUES ($1)", self.tgid)
"""

PUPPET = """\
from typing import cast

from app.rows import PuppetRow


class Puppet(PuppetRow):
    def __init__(self, tgid):
        self.tgid = tgid

    @classmethod
    async def get_by_tgid(cls, tgid, create=True):
        puppet = cast(cls, await super().get_by_tgid(tgid))
        if puppet:
            return puppet
        if create:
            puppet = cls(tgid)
            await puppet.insert()
            return puppet
        return None

    @classmethod
    async def insert_each_time(cls, tgid):
        puppet = cast(cls, await super().get_by_tgid(tgid))
        if puppet:
            print(puppet)
        puppet = cls(tgid)
        await puppet.insert()
        return puppet

    @classmethod
    async def always_insert(cls, tgid):
        puppet = cls(tgid)
        await puppet.insert()
        return puppet


async def sync(users):
    for user in users:
        await Puppet.get_by_tgid(user.id)


async def sync_each_time(users):
    for user in users:
        await Puppet.insert_each_time(user.id)


async def sync_always(users):
    for user in users:
        await Puppet.always_insert(user.id)
"""


def test_an_active_record_class_creates_the_row_its_lookup_found_none_of(run_cli, tmp_path):
    """mautrix-telegram's ``Puppet.get_by_tgid``: ``cast(cls, await
    super().get_by_tgid(tgid))``, returned when found, else ``cls(tgid)`` inserted: once
    per key. Near misses: a lookup whose found row is not returned (the insert runs on
    every call), and a plain insert per call."""
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/rows.py": ROWS, "app/puppet.py": PUPPET}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL102")
    found = findings_by_function(report, PUPPET, "puppet.py")
    assert sorted(found) == ["sync_always", "sync_each_time"]
