"""The name tier behind ``--preview`` (issue 12): a call known to be a database call only
by its receiver's name (``session``, ``cursor``, ``.save()`` in a file that imports
Django) is reported only with ``--preview``; the receivers real code names are typed
instead, through the real command: a queryset's items (also a related manager's and a
project helper's queryset), ``self`` in a model of the file and its foreign keys, a new
instance of a model of the project, a ``sessionmaker()`` / ``scoped_session()`` of another
module of the project, a class of the file that subclasses a library session. Shadowing
cases stay clean: a user's own ``sessionmaker``, a user's own class with an ``objects``
attribute."""

from __future__ import annotations

import json

import pytest

from expectations import check_project

CODES = ("TL101", "TL102", "TL103")

DJANGO_MODELS = """
    from django.db import models


    class Author(models.Model):
        name = models.CharField(max_length=100)


    class Book(models.Model):
        author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
        price = models.IntegerField()
"""

QUERIES = """
    from app.models import Book


    def cheap_books():
        return Book.objects.filter(price__lt=10)


    def first_book():
        return Book.objects.first()


    class Report:
        def save(self):
            return self


    def new_report():
        return Report()


    class StreamBuilder:
        def __init__(self):
            self.objects = {}
"""

DJANGO = {
    "bad-queryset-items": """
        from app.models import Book

        def touch():
            for book in Book.objects.filter(price=1):
                book.save()  # expect: TL102
        """,
    "bad-queryset-bound-to-a-name": """
        from app.models import Book

        def touch():
            books = Book.objects.select_related("author")
            for book in books:
                book.save()  # expect: TL102
        """,
    "bad-related-manager-items": """
        from app.models import Author

        def touch():
            for author in Author.objects.all():
                for book in author.books.filter(price=1):  # expect: TL101
                    book.save()  # expect: TL102
        """,
    "bad-queryset-a-helper-returns": """
        from app.queries import cheap_books

        def touch():
            for book in cheap_books():
                book.save()  # expect: TL102
        """,
    "bad-self-of-a-model-of-this-file": """
        from django.db import models

        class Order(models.Model):
            status = models.CharField(max_length=10)
            customer = models.ForeignKey("Customer", on_delete=models.CASCADE)

            def cascade(self, status):
                for line in self.lines.all():
                    line.status = status
                    line.save()  # expect: TL102

            def touch_customer(self, events):
                for event in events:
                    self.customer.save()  # expect: TL102
        """,
    "bad-new-instance-of-a-model-of-another-module": """
        from app.models import Book

        def copy(books):
            for book in books:
                clone = Book(price=book.price)
                clone.full_clean()
                clone.save()  # expect: TL102
        """,
    "shadowing-self-of-a-class-that-is-no-model": """
        from django.db import models

        class Printer:
            def cascade(self):
                for line in self.lines.all():
                    line.save()  # expect-preview: TL102
        """,
    "good-one-bulk-update": """
        from app.models import Book

        def touch():
            books = list(Book.objects.filter(price=1))
            for book in books:
                book.price = 2
            Book.objects.bulk_update(books, ["price"])
        """,
    "near-miss-items-of-a-parameter-are-the-name-tier": """
        from django.db import models

        def touch(books):
            for book in books:
                book.save()  # expect-preview: TL102
        """,
    "bad-instance-a-helper-returns": """
        from app.queries import first_book

        def touch(ids):
            for pk in ids:
                first_book().save()  # expect: TL101, TL102
        """,
    "near-miss-a-helper-that-returns-no-model": """
        from app.queries import new_report

        def touch(ids):
            for pk in ids:
                new_report().save()
        """,
    "shadowing-an-instance-s-objects-attribute": """
        from app.queries import StreamBuilder

        class Router:
            def __init__(self):
                self.builder = StreamBuilder()

            def include_router(self, router):
                for stream in self.builder.objects.values():
                    print(stream)

            def include_routers(self, routers):
                for router in routers:
                    self.include_router(router)
                    StreamBuilder().objects.filter(router)
        """,
    "shadowing-own-class-with-an-objects-attribute": """
        from django.db import models

        class Store:
            def all(self):
                return []

        class Registry:
            objects = Store()

        def touch(ids):
            for item in Registry.objects.all():
                item.save()
            for pk in ids:
                Registry.objects.get(pk=pk)
        """,
}

SQLALCHEMY_DB = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import scoped_session, sessionmaker

    engine = create_engine("sqlite://")
    SessionLocal = sessionmaker(bind=engine)
    db_session = scoped_session(sessionmaker(bind=engine))
"""

OWN_DB = """
    def sessionmaker(**options):
        return dict

    SessionLocal = sessionmaker(bind=None)
"""

SQLALCHEMY = {
    "bad-sessionmaker-of-another-module": """
        from app.db import SessionLocal

        def load(rows, Row):
            with SessionLocal() as session:
                for row in rows:
                    session.add(Row(**row))
                    session.commit()  # expect: TL103
        """,
    "bad-sessionmaker-called-into-a-name": """
        from app.db import SessionLocal

        def load(rows, Row):
            session = SessionLocal()
            for row in rows:
                session.merge(Row(**row))  # expect: TL102
                session.flush()
        """,
    "bad-scoped-session-of-another-module": """
        from app.db import db_session

        def load(rows, Row):
            for row in rows:
                db_session.add(Row(**row))
                db_session.commit()  # expect: TL103
        """,
    "bad-own-subclass-of-the-library-session": """
        from sqlalchemy.orm import Session as Base

        class Session(Base):
            pass

        def load(session: Session, ids, Row):
            return [session.get(Row, pk) for pk in ids]  # expect: TL101
        """,
    "bad-own-subclass-of-the-sqlmodel-session": """
        from sqlmodel import Session as SqlModelSession

        class Session(SqlModelSession):
            pass

        class Store:
            def load(self, rows):
                with Session(self.engine) as session:
                    for row in rows:
                        session.add(row)
                        session.commit()  # expect: TL103
        """,
    "bad-sqlmodel-session-and-engine": """
        from sqlmodel import Session, create_engine

        engine = create_engine("sqlite://")

        def load(rows):
            with Session(engine) as s:
                for row in rows:
                    s.add(row)
                    s.commit()  # expect: TL103
        """,
    "good-one-commit": """
        from app.db import SessionLocal

        def load(rows, Row):
            with SessionLocal() as session:
                for row in rows:
                    session.add(Row(**row))
                session.commit()
        """,
    "near-miss-a-session-parameter-is-the-name-tier": """
        def load(session, rows, Row):
            for row in rows:
                session.add(Row(**row))
                session.commit()  # expect-preview: TL103
        """,
    "shadowing-own-sessionmaker": """
        from app.own import SessionLocal

        def load(rows, Row):
            session = SessionLocal()
            for row in rows:
                session.merge(Row(**row))  # expect-preview: TL102
                session.flush()
        """,
}


@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
@pytest.mark.parametrize("source", DJANGO.values(), ids=DJANGO.keys())
def test_django_receivers(run_cli, tmp_path, source, preview):
    files = {"app/models.py": DJANGO_MODELS, "app/queries.py": QUERIES, "app/ops.py": source}
    extra = ("--show-all", "--preview") if preview else ("--show-all",)
    check_project(run_cli, tmp_path, files, CODES, *extra, preview=preview)


@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
@pytest.mark.parametrize("source", SQLALCHEMY.values(), ids=SQLALCHEMY.keys())
def test_sqlalchemy_receivers(run_cli, tmp_path, source, preview):
    files = {"app/db.py": SQLALCHEMY_DB, "app/own.py": OWN_DB, "app/ops.py": source}
    extra = ("--show-all", "--preview") if preview else ("--show-all",)
    check_project(run_cli, tmp_path, files, CODES, *extra, preview=preview)


def test_typed_through_the_index_is_typed_and_the_name_tier_heuristic(run_cli, tmp_path):
    """A receiver typed through the project index carries ``confidence: typed``; with
    ``--preview`` the name tier's findings carry ``heuristic``."""
    files = {
        "app/db.py": SQLALCHEMY_DB,
        "app/ops.py": """
            from app.db import SessionLocal

            def typed(rows, Row):
                session = SessionLocal()
                for row in rows:
                    session.merge(Row(**row))  # expect: TL102
                    session.flush()

            def named(session, rows, Row):
                for row in rows:
                    session.merge(Row(**row))  # expect-preview: TL102
                    session.flush()
            """,
    }
    found = check_project(run_cli, tmp_path, files, CODES, "--show-all", "--preview", preview=True)
    assert sorted((d["line"], d["confidence"]) for d in found) == [(7, "typed"), (12, "heuristic")]
    completed = run_cli(
        str(tmp_path / "proj"), "--format", "json", "--isolated", "--no-cache", "--show-all"
    )
    shown = json.loads(completed.stdout)["diagnostics"]
    assert [(d["line"], d["confidence"]) for d in shown] == [(7, "typed")]
