"""What must stay clean, and what must be seen, one pattern at a time (in-process)."""

from __future__ import annotations

import textwrap

import pytest

from throughlint.engine import lint_text
from throughlint.rules import rule_by_code
from throughlint.settings import Settings

from expectations import actual, expected

CODES = ("TL101", "TL102", "TL103")
RULES = [rule_by_code(code) for code in CODES]


def _lint(source: str, settings: Settings | None = None):
    return lint_text(textwrap.dedent(source), "module.py", settings=settings, rules=RULES)


def _check(source: str, settings: Settings | None = None) -> None:
    """Without and with ``--preview`` (``# expect-preview:``: the name tier)."""
    text = textwrap.dedent(source)
    assert actual(_lint(text, settings), CODES) == expected(text, CODES)
    preview = (settings or Settings()).with_changes(preview=True)
    assert actual(_lint(text, preview), CODES) == expected(text, CODES, preview=True)


CLEAN = {
    # Django's default autocommit: ``transaction.commit()`` commits nothing (askbot's
    # management commands); each write before it already did
    "transaction-commit-under-autocommit": """
        from django.db import connection, transaction

        def each(items):
            for item in items:
                item.process()
                transaction.commit()
                connection.commit()
        """,
    "django-request-session": """
        def view(request, keys):
            for key in keys:
                request.session.get(key)
                request.session.flush()
        """,
    "flask-session": """
        from flask import session

        def view(keys):
            return [session.get(key) for key in keys]
        """,
    "requests-session": """
        import requests

        def fetch(urls):
            with requests.Session() as session:
                return [session.get(url, timeout=3) for url in urls]
        """,
    "modelform-commit-false": """
        from django import forms

        def build(formset):
            return [form.save(commit=False) for form in formset]
        """,
    "pil-save": """
        import django
        from PIL import Image

        def thumbs(paths):
            for path in paths:
                Image.open(path).save(path + ".png")
        """,
    "lazy-queryset-passed-on": """
        from shop.models import Book

        def querysets(authors):
            return {a: Book.objects.filter(author=a) for a in authors}
        """,
    "statements-from-a-list": """
        def migrate(cursor, statements):
            for sql in statements:
                cursor.execute(sql)
        """,
    "values-rows-are-dicts": """
        from django.db import models

        class Author(models.Model):
            name = models.CharField(max_length=9)

        class Book(models.Model):
            author = models.ForeignKey(Author, on_delete=models.CASCADE)

        def names():
            return [row["author"] for row in Book.objects.values("author")]
        """,
    "select-related-everything": """
        from django.db import models

        class Author(models.Model):
            name = models.CharField(max_length=9)

        class Book(models.Model):
            author = models.ForeignKey(Author, on_delete=models.CASCADE)

        def names():
            return [b.author.name for b in Book.objects.select_related()]
        """,
    "nested-select-related": """
        from django.db import models

        class Publisher(models.Model):
            name = models.CharField(max_length=9)

        class Author(models.Model):
            publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)

        class Book(models.Model):
            author = models.ForeignKey(Author, on_delete=models.CASCADE)

        def names():
            qs = Book.objects.select_related("author__publisher")
            return [b.author.publisher_id for b in qs.filter(id__gt=3)]
        """,
    "related-name-plus": """
        from django.db import models

        class Node(models.Model):
            parent = models.ForeignKey("self", related_name="+", on_delete=models.CASCADE)

        def ids():
            return [n.node_set for n in Node.objects.all()]
        """,
    "sqlalchemy-noload-and-raise": """
        from sqlalchemy import select
        from sqlalchemy.orm import DeclarativeBase, Session, relationship

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "u"
            tags = relationship("Tag", lazy="raise")
            notes = relationship("Note", lazy="noload")

        def f(session: Session):
            for user in session.scalars(select(User)):
                print(user.tags, user.notes)
        """,
    "commit-after-len-check": """
        import sqlite3

        def load(conn: sqlite3.Connection, rows, batch_size):
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= batch_size:
                    conn.executemany("INSERT INTO t VALUES (?)", batch)
                    conn.commit()
                    batch = []
        """,
    "ddl-over-tables": """
        import sqlite3

        def drop(conn: sqlite3.Connection, tables):
            for table in tables:
                conn.execute(f"DROP TABLE {table}")
        """,
    "a-statement-per-table": """
        import sqlalchemy as sa

        def wipe(conn, tables):
            for table in tables:
                conn.execute(table.delete())
                conn.execute(sa.delete(table))
        """,
    "git-and-list-commit": """
        def tag(repo, messages, items):
            for message in messages:
                repo.index.commit(message)
                items.insert(0, message)
        """,
}


@pytest.mark.parametrize("source", CLEAN.values(), ids=CLEAN.keys())
def test_stays_clean(source):
    assert _lint(source) == []


SEEN = {
    "constant-sql-in-module": """
        import sqlite3

        UPSERT = "INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)"

        def store(conn: sqlite3.Connection, pairs):
            for key, value in pairs:
                conn.execute(UPSERT, (key, value))  # expect: TL102
        """,
    "concatenated-sql": """
        def total(cursor, ids, table):
            for i in ids:
                cursor.execute("SELECT x FROM " + table + " WHERE id = %s", (i,))  # expect: TL101
        """,
    "long-concatenated-sql": """
        def total(cursor, ids, table, kind):
            for i in ids:
                cursor.execute(  # expect: TL101
                    "SELECT x FROM " + table + " WHERE id = " + str(i) + " AND kind = " + kind
                )
        """,
    "long-concatenated-update": """
        def mark(conn, ids, table, column):
            for i in ids:
                conn.execute(  # expect: TL102
                    "UPDATE " + table + " SET " + column + " = 1 WHERE id = " + str(i)
                )
        """,
    "concatenated-non-sql": """
        def greet(conn, names, prefix):
            for name in names:
                conn.execute_hook(prefix + ", " + name + "!" + "")
        """,
    "nested-queryset-loop": """
        from shop.models import Book, Author

        def shelves():
            for author in Author.objects.all():
                print(list(Book.objects.filter(author=author)))  # expect: TL101
        """,
    "transaction-commit-function": """
        from django.db import transaction

        def each(items):
            transaction.set_autocommit(False)
            for item in items:
                item.process()
                transaction.commit()  # expect: TL103
        """,
    "session-begin-block": """
        from sqlalchemy.orm import Session

        def each(session: Session, items):
            for item in items:
                with session.begin():  # expect: TL103
                    session.add(item)
        """,
    "o2o-reverse-and-string-target": """
        from django.db import models

        class Account(models.Model):
            pass

        class Profile(models.Model):
            account = models.OneToOneField("app.Account", on_delete=models.CASCADE)

        def bios():
            return [a.profile for a in Account.objects.all()]  # expect: TL101
        """,
    "sqlalchemy-backref": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session, declarative_base, relationship

        Base = declarative_base()

        class Parent(Base):
            __tablename__ = "p"
            children = relationship("Child", backref="parent", lazy="selectin")

        class Child(Base):
            __tablename__ = "c"

        def parents(session: Session):
            return [c.parent for c in session.scalars(select(Child))]  # expect: TL101
        """,
    "save-after-commit-false": """
        from django.http import Http404

        def save_all(wishlist, formset):
            for form in formset:
                email = form.save(commit=False)
                email.wishlist = wishlist
                email.save()  # expect-preview: TL102
        """,
    "local-helper-two-deep": """
        import sqlite3

        def lookup(conn, key):
            return conn.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()

        def lookup_or_default(conn, key):
            return lookup(conn, key) or 0

        def all_values(conn: sqlite3.Connection, keys):
            return [lookup_or_default(conn, k) for k in keys]  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", SEEN.values(), ids=SEEN.keys())
def test_is_seen(source):
    _check(source)


def test_suppression_comments_apply_to_index_findings():
    source = """
        from shop.db import fetch

        def helper(cur, key):
            cur.execute("SELECT 1 FROM t WHERE k = %s", (key,))

        def run(cur, keys):
            for key in keys:
                helper(cur, key)  # noqa: TL101
            for key in keys:
                helper(cur, key)  # throughlint: ignore[TL102]  # expect: TL101
            return [helper(cur, k) for k in keys]  # noqa
        """
    _check(source)


def test_settings_declare_in_house_database_functions():
    settings = Settings(
        query_functions=("acme.db.fetch_one",),
        write_functions=("acme.db.store",),
        commit_functions=("acme.db.Db.commit",),
        connection_factories=("acme.db.connect",),
    )
    source = """
        from acme import db
        from acme.db import Db

        def sync(keys, handle: Db):
            conn = db.connect("main")
            for key in keys:
                db.fetch_one(key)  # expect: TL101
                db.store(key)  # expect: TL102
                handle.commit()  # expect: TL103
                conn.execute("DELETE FROM t WHERE k = ?", (key,))  # expect: TL102
                conn.commit()  # expect: TL103
        """
    _check(source, settings)
    assert _lint(source) != []  # literal SQL alone is seen without the settings
    assert len(_lint(source)) < len(_lint(source, settings))
