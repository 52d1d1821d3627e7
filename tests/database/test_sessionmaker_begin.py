"""``with SessionLocal.begin() as session:`` commits when the block ends (round 21,
second probe helper s9): on every pass of a loop, with ``SessionLocal`` a
``sessionmaker`` of another module, that is a commit per item (TL103), typed by the
project index. Near misses: one block around the loop, and a user's own
``SessionLocal`` whose ``begin()`` is no transaction. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

DB = """\
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
"""

OWN_DB = """\
from contextlib import contextmanager


class Journal:
    def __init__(self):
        self.lines = []

    @contextmanager
    def begin(self):
        yield self


SessionLocal = Journal()
"""

SERVICE = """\
from sqlalchemy import text

from app.db import SessionLocal


def rename(rows):
    for row in rows:
        with SessionLocal.begin() as session:
            session.execute(text("UPDATE users SET name = :n WHERE id = :i"), row)


def rename_once(rows):
    with SessionLocal.begin() as session:
        session.execute(text("UPDATE users SET name = :n WHERE id = :i"), rows)
"""


def _found(tmp_path, db: str) -> dict[str, dict]:
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/db.py": db, "app/service.py": SERVICE}
    )
    report = lint_json(run_module_cli, root, "--select", "TL103", "--show-all")
    return findings_by_function(report, SERVICE, "service.py")


def test_begin_block_per_item(tmp_path):
    found = _found(tmp_path, DB)
    assert "`with SessionLocal.begin()` commits on every pass" in found["rename"]["message"]
    assert "rename_once" not in found


def test_users_own_session_local(tmp_path):
    assert _found(tmp_path, OWN_DB) == {}
