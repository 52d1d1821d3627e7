"""A commit per pass of a loop whose every write on the pass is a batch (round 21, probe
p31): one ``executemany`` of a whole file's rows, then ``with conn:`` or ``commit()``,
per file, is a commit per batch, the chunked pattern, not per row. A pass that also
writes one row on its own, or writes row by row (a SQLAlchemy ``session.add`` of one
object is flushed by the commit beside it), still commits per item. Run through the
real CLI against sqlite3."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SOURCE = """\
import csv
import sqlite3

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


def import_files(db_path, csv_paths):
    conn = sqlite3.connect(db_path)
    for path in csv_paths:
        with open(path) as fh:
            rows = [(r["id"], r["name"]) for r in csv.DictReader(fh)]
        with conn:
            conn.executemany("INSERT INTO people (id, name) VALUES (?, ?)", rows)


def import_files_commit(db_path, csv_paths):
    conn = sqlite3.connect(db_path)
    for path in csv_paths:
        with open(path) as fh:
            rows = [(r["id"], r["name"]) for r in csv.DictReader(fh)]
        conn.executemany("INSERT INTO people (id, name) VALUES (?, ?)", rows)
        conn.commit()


def import_files_logged(db_path, csv_paths):
    conn = sqlite3.connect(db_path)
    for path in csv_paths:
        with open(path) as fh:
            rows = [(r["id"], r["name"]) for r in csv.DictReader(fh)]
        conn.executemany("INSERT INTO people (id, name) VALUES (?, ?)", rows)
        conn.execute("INSERT INTO imports (path) VALUES (?)", (path,))
        conn.commit()


def import_objects(session: Session, rows):
    for row in rows:
        session.add(Person(id=row["id"], name=row["name"]))
        session.commit()


def import_object_files(session: Session, batches):
    for batch in batches:
        session.add_all([Person(id=row["id"], name=row["name"]) for row in batch])
        session.commit()


def import_rows(db_path, rows):
    conn = sqlite3.connect(db_path)
    for row in rows:
        conn.execute("INSERT INTO people (id, name) VALUES (?, ?)", row)
        conn.commit()
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(tmp_path_factory.mktemp("batches"), {"load.py": SOURCE})
    report = lint_json(run_module_cli, root, "--select", "TL103", "--show-all")
    return findings_by_function(report, SOURCE, "load.py")


@pytest.mark.parametrize("function", ["import_files_logged", "import_rows", "import_objects"])
def test_commit_per_item(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: no TL103"
    assert diagnostic["code"] == "TL103"


@pytest.mark.parametrize("function", ["import_files", "import_files_commit", "import_object_files"])
def test_commit_per_batch_stays_clean(found, function):
    assert function not in found, found.get(function)
