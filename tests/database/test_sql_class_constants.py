"""SQL kept in a class attribute (round 21, probe p48): ``self.INSERT_SQL``,
``cls.INSERT_SQL`` and ``Repo.INSERT_SQL`` hold the text the class body binds, so a
statement per item through them is read like a literal one: an INSERT is a write
(TL102), a SELECT a query (TL101, not TL102). A user's own ``execute`` (no database)
stays clean. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import lint_json, run_module_cli, write_project

SOURCE = """\
import sqlite3


class Repo:
    INSERT_SQL = "INSERT INTO visits (path, ts) VALUES (?, ?)"
    LOOKUP_SQL = "SELECT ts FROM visits WHERE path = ?"

    def __init__(self, path):
        self.db = sqlite3.connect(path)

    def save_visits(self, visits):
        for v in visits:
            self.db.execute(self.INSERT_SQL, (v.path, v.ts))  # TL102
        self.db.commit()

    @classmethod
    def save_all(cls, db: sqlite3.Connection, visits):
        for v in visits:
            db.execute(cls.INSERT_SQL, (v.path, v.ts))  # TL102
        db.commit()

    def last_seen(self, paths):
        return [self.db.execute(self.LOOKUP_SQL, (p,)).fetchone() for p in paths]  # TL101


def save_by_name(db: sqlite3.Connection, visits):
    for v in visits:
        db.execute(Repo.INSERT_SQL, (v.path, v.ts))  # TL102
    db.commit()


class Journal:
    INSERT_SQL = "INSERT INTO visits (path, ts) VALUES (?, ?)"

    def __init__(self):
        self.lines = []

    def execute(self, sql, params):
        self.lines.append((sql, params))

    def record(self, visits):
        for v in visits:
            self.execute(self.INSERT_SQL, (v.path, v.ts))
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> list[tuple[int, str]]:
    root = write_project(tmp_path_factory.mktemp("sql"), {"repo.py": SOURCE})
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    return sorted((d["line"], d["code"]) for d in report["diagnostics"])


def test_statements_through_class_constants(found):
    expected = [
        (number, line.rsplit("# ", 1)[1])
        for number, line in enumerate(SOURCE.splitlines(), 1)
        if "# TL" in line
    ]
    assert found == expected
