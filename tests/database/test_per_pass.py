"""Calls inside loops that do not run once per item (issue 17 item 5), and the shapes
next to them that do (in-process, TL101-TL103)."""

from __future__ import annotations

import textwrap

import pytest

from throughlint.engine import lint_text
from throughlint.rules import rule_by_code

from expectations import actual, expected

CODES = ("TL101", "TL102", "TL103")
RULES = [rule_by_code(code) for code in CODES]


def _check(source: str) -> None:
    text = textwrap.dedent(source)
    found = lint_text(text, "module.py", rules=RULES)
    assert actual(found, CODES) == expected(text, CODES)


CASES = {
    "retry-loop-counter-unused": """
        from shop.models import Book

        def fetch(pk, retries):
            for i in range(retries):
                try:
                    return Book.objects.get(pk=pk)
                except Book.DoesNotExist:
                    pass
        """,
    "counter-read-is-items": """
        from shop.models import Book

        def fetch(pks):
            for i in range(len(pks)):
                Book.objects.get(pk=pks[i])  # expect: TL101
                if i > 10:
                    break
        """,
    "exit-path-raise-and-break": """
        import sqlite3

        def store(conn: sqlite3.Connection, rows):
            for row in rows:
                if row is None:
                    conn.rollback()
                    conn.execute("DELETE FROM staging")
                    raise ValueError(row)
                if row == "stop":
                    conn.commit()
                    break
                conn.execute("INSERT INTO t VALUES (?)", (row,))  # expect: TL102
        """,
    "break-of-an-inner-loop-is-not-an-exit": """
        import sqlite3

        def store(conn: sqlite3.Connection, groups):
            for group in groups:
                for _ in (1, 2):
                    conn.execute("INSERT INTO t VALUES (?)", (group,))  # expect: TL102
                    break
        """,
    "an-inner-loops-exit-runs-per-item-of-the-outer-loop": """
        import sqlite3

        def store(conn: sqlite3.Connection, groups, wanted):
            for group in groups:
                for member in group.members:
                    if member in wanted:
                        conn.execute("INSERT INTO t VALUES (?)", (member,))  # expect: TL102
                        break
        """,
    "a-break-in-an-inner-loops-else-leaves-the-loop-around-it": """
        import sqlite3

        def store(conn: sqlite3.Connection, updates, wanted):
            for update in updates:
                for build in update.builds:
                    for tag in build.tags:
                        if tag in wanted:
                            break
                    else:
                        conn.execute("DELETE FROM b WHERE id = ?", (build,))  # expect: TL102
                        break
        """,
    "a-return-leaves-every-loop": """
        import sqlite3

        def store(conn: sqlite3.Connection, groups, wanted):
            for group in groups:
                for member in group.members:
                    if member in wanted:
                        conn.execute("INSERT INTO t VALUES (?)", (member,))
                        return
        """,
    "commit-under-len-greater-than-one": """
        import sqlite3

        def store(conn: sqlite3.Connection, rows):
            for row in rows:
                conn.execute("INSERT INTO t VALUES (?)", row)  # expect: TL102
                if len(row) > 1:
                    conn.commit()  # expect: TL103
        """,
    "range-stepping-by-size": """
        import sqlite3

        def store(conn: sqlite3.Connection, rows, size):
            for start in range(0, len(rows), size):
                conn.execute("INSERT INTO t SELECT * FROM s LIMIT ?", (start,))
        """,
    "batch-words-are-whole-words": """
        from shop.models import Page

        def touch(homepages, stamps):
            for homepage in homepages:
                Page.objects.get(pk=homepage)  # expect: TL101
            for obj in Page.objects.filter(live=True).iterator(chunk_size=500):
                Page.objects.filter(pk=obj.pk).update(seen=True)  # expect: TL102
            for page_batch in stamps:
                Page.objects.filter(pk__in=page_batch).update(stamp=1)
        """,
    "a-page-of-rows-or-a-cms-page": """
        from shop.models import Book

        def stamp(result_pages, site_pages):
            for page in result_pages:
                Book.objects.filter(pk__in=page).update(stamp=1)
            for page in site_pages:
                Book.objects.filter(page=page).count()  # expect: TL101
        """,
    "module-constants-and-enums": """
        import enum

        from shop.models import Book

        SHELVES = ("a", "b", "c", "d", "e", "f")
        KINDS = {"x": 1, "y": 2, "z": 3, "w": 4, "v": 5}
        LIMIT = 3
        shelves = ["a", "b", "c", "d", "e", "f"]


        class Genre(enum.Enum):
            NOVEL = 1
            POEM = 2
            PLAY = 3
            ESSAY = 4
            LETTER = 5


        def counts():
            for shelf in SHELVES:
                Book.objects.filter(shelf=shelf).count()
            for kind, _ in KINDS.items():
                Book.objects.filter(kind=kind).count()
            for genre in Genre:
                Book.objects.filter(genre=genre).count()
            for n in range(LIMIT):
                Book.objects.filter(n=n).count()
            for shelf in shelves:
                Book.objects.filter(shelf=shelf).count()  # expect: TL101
        """,
    "local-shadows-module-constant": """
        from shop.models import Book

        SHELVES = ("a", "b", "c", "d", "e", "f")

        def counts(load):
            SHELVES = load()
            for shelf in SHELVES:
                Book.objects.filter(shelf=shelf).count()  # expect: TL101
        """,
    "savepoint-inside-atomic": """
        from django.db import transaction

        def close(orders):
            with transaction.atomic():
                for order in orders:
                    with transaction.atomic():
                        order.close()
            for order in orders:
                with transaction.atomic():  # expect: TL103
                    order.close()
        """,
    "flush-under-batch-guard": """
        from sqlalchemy.orm import Session

        def load(session: Session, rows, batch_size):
            for i, row in enumerate(rows):
                session.add(row)
                if i % batch_size == 0:
                    session.flush()
            for row in rows:
                session.add(row)
                log.flush()
        """,
    "mapping-key-dispatch-runs-once-per-key": """
        from sqlalchemy.orm import Session
        from app.models import Role, User

        def post(session: Session, item: dict):
            for key, value in item.items():
                if key == "roles":
                    session.query(Role).filter(Role.id.in_(value)).all()
                elif "users" == key:
                    session.query(User).filter(User.id.in_(value)).all()
            for key in item.keys():
                if key in ("roles", "groups"):
                    session.query(Role).filter(Role.name == key).all()
        """,
    "mapping-value-test-and-list-dispatch-are-per-item": """
        from sqlalchemy.orm import Session
        from app.models import Role, User

        def post(session: Session, item: dict, names: list, other: str):
            for key, value in item.items():
                if value == "x":
                    session.query(Role).filter(Role.name == key).all()  # expect: TL101
                if key == other:
                    session.query(Role).filter(Role.name == key).all()  # expect: TL101
            for name in names:
                if name == "roles":
                    session.query(User).filter(User.name == name).all()  # expect: TL101
            for key, value in item.items():
                for part in value:
                    if key == "roles":
                        session.query(Role).filter(Role.id == part).all()  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_per_pass(source):
    _check(source)


MEMO = {
    "memoised-helper-is-no-query-per-call": """
        from shop.models import Setting

        _theme = None

        def theme():
            global _theme
            if _theme is None:
                _theme = Setting.objects.get(key="theme")
            return _theme

        def render(pages):
            return [(page, theme()) for page in pages]
        """,
    "memo-on-self-in-a-loop": """
        from shop.models import Setting

        def render(self, pages):
            for page in pages:
                if not self.theme:
                    self.theme = Setting.objects.get(key="theme")
                if page.custom is None:
                    other = Setting.objects.get(key=page.key)  # expect: TL101
        """,
    "guard-on-another-name-still-queries": """
        from shop.models import Setting

        def lookup(key, cache):
            if cache is None:
                return Setting.objects.get(key=key)
            return cache[key]

        def render(pages):
            return [lookup(page.key, None) for page in pages]  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", MEMO.values(), ids=MEMO.keys())
def test_memoised(source):
    _check(source)


SET_BASED = {
    "chunked-update-in-rowcount-loop": """
        import sqlite3

        def expire(conn: sqlite3.Connection, tables):
            for table in tables:
                while True:
                    cur = conn.execute(
                        "UPDATE t SET gone = 1 WHERE id IN (SELECT id FROM t WHERE old LIMIT 1000)"
                    )
                    if cur.rowcount == 0:
                        break
        """,
    "insert-select-without-parameters": """
        import sqlite3

        def copy(conn: sqlite3.Connection, days):
            for day in days:
                conn.execute("INSERT INTO archive SELECT * FROM events WHERE day = day")
        """,
    "update-with-a-subquery-per-row-is-per-item": """
        import sqlite3

        def touch(conn: sqlite3.Connection, ids):
            for row_id in ids:
                sql = "UPDATE t SET n = (SELECT count(*) FROM u WHERE u.t = t.id) WHERE id = ?"
                conn.execute(sql, (row_id,))  # expect: TL102
        """,
}


@pytest.mark.parametrize("source", SET_BASED.values(), ids=SET_BASED.keys())
def test_set_based_sql(source):
    _check(source)


def test_the_finding_names_the_loop_whose_items_multiply_the_call():
    """A call in a block that leaves the inner loop runs once per item of the loop around
    it: the message names that loop (a ``break`` in an inner loop's ``else:`` leaves the
    loop around the inner one)."""
    text = textwrap.dedent(CASES["a-break-in-an-inner-loops-else-leaves-the-loop-around-it"])
    (found,) = lint_text(text, "module.py", rules=RULES)
    assert "the loop over `updates`" in found.message, found.message
    text = textwrap.dedent(CASES["an-inner-loops-exit-runs-per-item-of-the-outer-loop"])
    (found,) = lint_text(text, "module.py", rules=RULES)
    assert "the loop over `groups`" in found.message, found.message
