"""A connection or session that the callers pass, under any name (issue 12: receivers
typed by what they are, not by what they are called). ``store.commit()`` with ``store``
an unannotated parameter, or ``self.store.commit()`` with ``self.store = store`` in
``__init__``, is a commit once every call site in the project passes a connection or a
session; ``self.store.query(...)`` a query once they pass a SQLAlchemy session. A
receiver nobody passes a database object stays clean: a git index's ``commit``, a user's
own class with ``commit`` and ``query``, a call site that passes something else. Through
the real command, callers in another module."""

from __future__ import annotations

import pytest

from expectations import check_project

CODES = ("TL101", "TL102", "TL103")

STORE = """
    class Journal:
        def __init__(self, store):
            self.store = store
            self.rows = []

        def record_all(self, rows):
            for row in rows:
                self.rows.append(row)
                self.store.commit()  # {commit}

        def owners(self, ids):
            return [self.store.query(Owner).get(i) for i in ids]  # {query}

        def forget(self, ids):
            for i in ids:
                self.store.query(Owner).filter(Owner.id == i).delete()  # {delete}


    def flush_each(target, rows):
        for row in rows:
            print(row)
            target.commit()  # {commit}


    class Owner:
        pass
"""

SQLITE_CALLERS = """
    import sqlite3

    from app.journal import Journal, flush_each


    def nightly(rows):
        Journal(sqlite3.connect("log.db")).record_all(rows)
        flush_each(sqlite3.connect("log.db"), rows)
"""

SESSION_CALLERS = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from app.journal import Journal, flush_each

    Session = sessionmaker(bind=create_engine("sqlite://"))


    def nightly(rows, ids):
        journal = Journal(Session())
        journal.record_all(rows)
        journal.owners(ids)
        flush_each(Session(), rows)
"""

# a project class of the same name elsewhere, and a method named like ``flush_each``:
# their call sites are not Journal's or flush_each's
OTHER_JOURNAL = """
    import sqlite3


    class Journal:
        def __init__(self, path):
            self.path = path


    class Archive:
        def flush_each(self, rows):
            return list(rows)


    def open_journal():
        sqlite3.connect("other.db").commit()
        Archive().flush_each([])
        return Journal("other.log")
"""

GIT_CALLERS = """
    from app.journal import Journal, flush_each


    class Index:
        def commit(self):
            return "sha"

        def query(self, kind):
            return self


    def nightly(rows):
        Journal(Index()).record_all(rows)
        flush_each(Index(), rows)
"""

MIXED_CALLERS = """
    import sqlite3

    from app.journal import Journal, flush_each


    def nightly(rows, index):
        Journal(sqlite3.connect("log.db")).record_all(rows)
        Journal(index).record_all(rows)
        flush_each(sqlite3.connect("log.db"), rows)
        flush_each(index, rows)
"""

# ``flush_each`` and ``Journal`` put in a table of handlers: whoever looks them up calls
# them with arguments the index does not see
HANDLER_CALLERS = (
    SQLITE_CALLERS
    + """

    HANDLERS = {"flush": flush_each, "journal": Journal}
    HOOKS = {flush_each}
"""
)

CASES = {
    "bad-sqlite-connections-passed": (SQLITE_CALLERS, "expect: TL103", "", ""),
    "bad-sessions-passed": (SESSION_CALLERS, "expect: TL103", "expect: TL101", "expect: TL102"),
    "near-miss-own-class-with-commit": (GIT_CALLERS, "", "", ""),
    "near-miss-one-site-passes-something-else": (MIXED_CALLERS, "", "", ""),
    "near-miss-handed-on-in-a-table": (HANDLER_CALLERS, "", "", ""),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_receivers_typed_by_what_the_callers_pass(run_cli, tmp_path, case):
    callers, commit, query, delete = case
    files = {
        "app/journal.py": STORE.replace("{commit}", commit)
        .replace("{query}", query)
        .replace("{delete}", delete),
        "app/jobs.py": callers,
        "app/other.py": OTHER_JOURNAL,
    }
    check_project(run_cli, tmp_path, files, CODES, "--show-all")
