"""The suite-wide N+1 gate: ``--throughput-detect`` measures every test, fails none and
reports each call site once; ``=fail`` fails tests on new sites; a baseline made with
``--throughput-detect-save`` lets only new sites fail; JSON and SARIF carry the sites."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

SARIF_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text()
)

SUITE = """
from shop import bookshop, name_of, names, titles_with_authors


def test_titles():
    titles_with_authors(bookshop())


def test_titles_again():
    titles_with_authors(bookshop(books=15))


def test_names():
    names(bookshop(), range(25))


def test_pages():
    conn = bookshop()
    for page in range(12):  # the test repeats the call: not an N+1
        name_of(conn, page)


def test_clean():
    bookshop().execute("SELECT book.title, author.name FROM book JOIN author").fetchall()
"""


def test_detect_reports_each_site_once_and_fails_nothing(bookshop, report):
    bookshop.makepyfile(test_suite=SUITE)
    sarif = bookshop.path / "runtime.sarif"
    result = bookshop.runpytest(
        "-p",
        "no:cacheprovider",
        "--throughput-detect",
        report.option,
        f"--throughput-sarif={sarif}",
    )
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(
        [
            "*= throughput =*",
            "5 test(s) measured only by --throughput-detect: 105 round trips (per test in "
            "--throughput-json)",
            "*= throughput: N+1 call sites =*",
            "2 N+1 call site(s) in 3 of 5 measured tests (2 new, 0 in the baseline; "
            "threshold 10); * round trips in all",
            "",
            "NEW TL101 shop.py:18 in titles_with_authors: 30 x "
            "`SELECT name FROM author WHERE id = ?`",
            "  chain: test_suite.py:5 in test_titles > shop.py:18 in titles_with_authors",
            "  static: confirmed: static TL101 flags the same call site at shop.py:18 *",
            "  tests (2): test_suite.py::test_titles, test_suite.py::test_titles_again",
            "  fingerprint: *",
            "",
            "NEW TL101 shop.py:23 in names: 25 x `SELECT name FROM author WHERE id = ?`",
            "*",
            "*",
            "  tests (1): test_suite.py::test_names",
            "*",
            "",
            "1 repetition(s) over the threshold driven by the tests themselves or by a "
            "framework (no site in project code)*",
        ]
    )
    document = report.read()
    sites = document["n_plus_one_sites"]
    assert [(s["path"], s["line"], s["worst_count"]) for s in sites] == [
        ("shop.py", 18, 30),
        ("shop.py", 23, 25),
    ]
    assert sites[0]["tests"] == ["test_suite.py::test_titles", "test_suite.py::test_titles_again"]
    per_test = {t["nodeid"].split("::")[1]: t["round_trips"] for t in document["tests"]}
    assert per_test["test_clean"] == 5 and per_test["test_titles"] == 35
    assert all(t["verdict"] == "-" for t in document["tests"])
    document = json.loads(sarif.read_text())
    jsonschema.validate(document, SARIF_SCHEMA)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "shop.py", "uriBaseId": "%SRCROOT%"}
    results = document["runs"][0]["results"]
    assert [r["partialFingerprints"]["throughlint/v1"] for r in results] == [
        s["fingerprint"] for s in sites
    ]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 18


def test_detect_fail_and_the_baseline(bookshop, report):
    bookshop.makepyfile(test_suite=SUITE)
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-detect=fail")
    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ test_names _*",
            "throughput budget missed (1):",
            "  TL101 runtime N+1: 25 x `SELECT name FROM author WHERE id = ?` (threshold 10) "
            "at shop.py:23 in names; * (not in the baseline)",
        ]
    )
    baseline = bookshop.path / "n_plus_one.json"
    saved = bookshop.runpytest("-p", "no:cacheprovider", f"--throughput-detect-save={baseline}")
    saved.assert_outcomes(passed=5)
    known = json.loads(baseline.read_text())["sites"]
    assert sorted(site["line"] for site in known) == [18, 23]
    # a new N+1 in new code: only it fails
    bookshop.makepyfile(
        authors="""
        def initials(conn, ids):
            return [
                conn.execute("SELECT substr(name, 1, 1) FROM author WHERE id = ?", (i,))
                for i in ids
            ]
        """,
        test_new="""
        from authors import initials
        from shop import bookshop

        def test_initials():
            initials(bookshop(), range(20))
        """,
    )
    gated = ("--throughput-detect=fail", f"--throughput-detect-baseline={baseline}")
    result = bookshop.runpytest("-p", "no:cacheprovider", *gated, report.option)
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_initials _*",
            "throughput budget missed (1):",
            "  TL101 runtime N+1: 20 x `SELECT substr(name, ?, ?) FROM author WHERE id = ?` "
            "(threshold 10) at authors.py:3 in initials; chain: test_new.py:5 in test_initials"
            " > authors.py:3 in initials; * (not in the baseline)",
            "*3 N+1 call site(s) in 4 of 6 measured tests (1 new, 2 in the baseline*",
        ]
    )
    assert report.test("test_initials")["verdict"] == "fail"
    assert report.test("test_titles")["verdict"] == "-"


def test_a_missing_baseline_is_a_usage_error(bookshop):
    result = bookshop.runpytest(
        "--throughput-detect=fail", "--throughput-detect-baseline=missing.json"
    )
    result.stderr.fnmatch_lines(["*missing.json: cannot read*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


SQLALCHEMY_SUITE = {
    "catalogue.py": """
from sqlalchemy import ForeignKey, create_engine, select
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
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship()


def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    db = Session(engine)
    db.add_all([Book(id=i, author=Author(id=i, name=f"a{i}")) for i in range(20)])
    db.commit()
    db.expunge_all()
    return db


def author_names(db):
    return [book.author.name for book in db.scalars(select(Book))]
""",
    "test_catalogue.py": """
from catalogue import author_names, session


def test_author_names():
    assert len(author_names(session())) == 20
""",
}

DJANGO_SUITE = {
    "shelf/__init__.py": "",
    "shelf/models.py": """
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
""",
    "shelf/views.py": """
from shelf.models import Book


def author_names():
    return [book.author.name for book in Book.objects.all()]
""",
    "conftest.py": """
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["shelf"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()
""",
    "test_shelf.py": """
from django.db import connection
from django.test import TestCase

from shelf.models import Author, Book
from shelf.views import author_names


class ShelfTest(TestCase):
    @classmethod
    def setUpClass(cls):
        with connection.schema_editor() as editor:
            editor.create_model(Author)
            editor.create_model(Book)
        super().setUpClass()

    def setUp(self):
        for i in range(15):
            Book.objects.create(author=Author.objects.create(name=f"a{i}"))

    def test_author_names(self):
        assert len(author_names()) == 15
""",
}


@pytest.mark.parametrize(
    ("suite", "site", "count"),
    [
        (SQLALCHEMY_SUITE, ("catalogue.py", 33, "author_names"), 20),
        (DJANGO_SUITE, ("shelf/views.py", 5, "author_names"), 15),
    ],
    ids=["sqlalchemy", "django"],
)
def test_detect_over_orms(pytester: pytest.Pytester, report, suite, site, count):
    for name, text in suite.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip(), encoding="utf-8")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--throughput-detect", report.option
    )
    result.assert_outcomes(passed=1)
    (found,) = report.read()["n_plus_one_sites"]
    assert (found["path"], found["line"], found["function"]) == site
    assert found["worst_count"] == count
    assert found["static"] in ("confirmed", "missed")
