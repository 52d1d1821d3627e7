"""SQLAlchemy and Django N+1s over real sqlite databases: the N+1 fails under
``--throughput-budget`` naming the statement and the line, the fixed version passes."""

from __future__ import annotations

import pytest

SQLALCHEMY_MODELS = """
from sqlalchemy import ForeignKey, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship()


def author_names(session, statement):
    return [book.author.name for book in session.scalars(statement)]


def make_session(books=30):
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    session = Session(engine)
    session.add_all(
        [Book(id=i, title=f"b{i}", author=Author(id=i, name=f"a{i}")) for i in range(books)]
    )
    session.commit()
    session.expunge_all()
    return session
"""

SQLALCHEMY_TESTS = """
import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Book, author_names, make_session


@pytest.fixture
def session():
    return make_session()


@pytest.mark.throughput(max_queries=5, items=30)
def test_lazy_authors(session):
    assert len(author_names(session, select(Book))) == 30


@pytest.mark.throughput(max_queries=5, items=30)
def test_selectinload_authors(session):
    assert len(author_names(session, select(Book).options(selectinload(Book.author)))) == 30


def test_engine_opened_in_the_block_is_counted_once(throughput):
    with throughput.measure() as block:
        session = make_session(books=3)
        session.scalars(select(Book)).all()
    # create_all, inserts and the select all go through sqlite3 underneath: each counted
    # once by SQLAlchemy, never again by the sqlite3 layer
    sqlalchemy_only = block.queries
    with throughput.measure() as again:
        session.scalars(select(Book)).all()
    assert again.queries == 1 and sqlalchemy_only > 3
"""


def test_sqlalchemy_lazy_relationship(pytester: pytest.Pytester, report):
    pytester.makepyfile(models=SQLALCHEMY_MODELS, test_books=SQLALCHEMY_TESTS)
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_lazy_authors _*",
            "throughput budget missed (2):",
            "  queries: 31 measured, budget 5 (+26, 6.2x the budget)",
            "  TL101 runtime N+1: 30 x `SELECT author.id, author.name FROM author "
            "WHERE author.id = ?` (threshold 10) at models.py:24 in author_names; "
            "chain: test_books.py:15 in test_lazy_authors > models.py:24 in author_names; *",
        ]
    )
    fixed = report.test("test_selectinload_authors")
    assert (fixed["queries"], fixed["verdict"], fixed["n_plus_one"]) == (2, "pass", [])


DJANGO_APP = {
    "shop/__init__.py": "",
    "shop/apps.py": """
from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
""",
    "shop/models.py": """
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=50)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
""",
    "shop/views.py": """
from shop.models import Author, Book


def author_names():
    return [book.author.name for book in Book.objects.all()]


def author_names_joined():
    return [book.author.name for book in Book.objects.select_related("author")]


def authors(pks):
    for pk in pks:
        Author.objects.get(pk=pk)
""",
    "conftest.py": """
import django
import pytest
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["shop"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()


@pytest.fixture(scope="session", autouse=True)
def books():
    from django.db import connection
    from shop.models import Author, Book

    with connection.schema_editor() as editor:
        editor.create_model(Author)
        editor.create_model(Book)
    for i in range(30):
        Book.objects.create(title=f"b{i}", author=Author.objects.create(name=f"a{i}"))
""",
    "test_books.py": """
import pytest
from shop.views import author_names, author_names_joined, authors


@pytest.mark.throughput(max_queries_per_item=0.5, items=30)
def test_lazy_foreign_key():
    assert len(author_names()) == 30


@pytest.mark.throughput(max_queries_per_item=0.5, items=30)
def test_select_related():
    assert len(author_names_joined()) == 30


@pytest.mark.throughput
def test_get_per_item():
    authors(range(1, 31))
""",
}


def test_django_lazy_foreign_key(pytester: pytest.Pytester, report):
    # a subprocess: django.setup() and settings.configure() are once per process
    for name, text in DJANGO_APP.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip())
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--throughput-budget", report.option
    )
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_lazy_foreign_key _*",
            "throughput budget missed (2):",
            "  queries per item: 1.03 measured (31 for 30 items), budget 0.5 "
            "(+0.533, 2.1x the budget)",
            '  TL101 runtime N+1: 30 x `SELECT "shop_author"."id", "shop_author"."name" FROM '
            '"shop_author" WHERE "shop_author"."id" = ? LIMIT ?` (threshold 10) at '
            "shop/views.py:5 in author_names; chain: test_books.py:7 in test_lazy_foreign_key"
            " > shop/views.py:5 in author_names; *",
        ]
    )
    # the static rule sees the explicit query in the loop; the lazy FK needs the models
    # module, which a one-file lint does not have: the report says which is which
    lazy = report.test("test_lazy_foreign_key")["n_plus_one"][0]
    explicit = report.test("test_get_per_item")["n_plus_one"][0]
    assert (explicit["path"], explicit["line"], explicit["static"]) == (
        "shop/views.py",
        14,
        "confirmed",
    )
    assert lazy["path"] == "shop/views.py" and lazy["line"] == 5
    assert lazy["static"] in ("missed", "confirmed")
    assert report.test("test_select_related")["queries"] == 1
