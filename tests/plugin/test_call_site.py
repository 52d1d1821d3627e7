"""The call site of a runtime N+1 is the project frame that repeats the statement, with
the chain from the test down to it (defect 3); repetition the test drives itself is not an
N+1 and never fails a test (defect 4)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

WRAPPER = {
    # a project-local ORM wrapper, as sqlmodel's Session.get is in its own tree
    "orm.py": """
def get(conn, author_id):
    cursor = conn.execute("SELECT name FROM author WHERE id = ?", (author_id,))
    return cursor.fetchone()
""",
    "service.py": """
from orm import get


def author_names(conn, ids):
    names = []
    for author_id in ids:
        names.append(get(conn, author_id))
    return names


def page(conn, number):
    return get(conn, number)
""",
}


def _write(pytester: pytest.Pytester, files: dict[str, str]) -> None:
    for name, text in files.items():
        (pytester.path / name).write_text(text.lstrip(), encoding="utf-8")


def test_the_site_is_the_loop_not_the_wrapper_and_the_chain_is_shown(bookshop, report):
    _write(bookshop, WRAPPER)
    bookshop.makepyfile(
        test_service="""
        import pytest
        from service import author_names
        from shop import bookshop

        @pytest.mark.throughput
        def test_names():
            author_names(bookshop(), range(30))
        """
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(failed=1)
    (finding,) = report.test("test_names")["n_plus_one"]
    assert (finding["path"], finding["line"], finding["function"]) == (
        "service.py",
        7,
        "author_names",
    )
    assert finding["chain"] == [
        "test_service.py:7 in test_names",
        "service.py:7 in author_names",
        "orm.py:2 in get",
    ]
    assert finding["count"] == 30
    result.stdout.fnmatch_lines(
        [
            "*TL101 runtime N+1: 30 x `SELECT name FROM author WHERE id = ?` (threshold 10) at "
            "service.py:7 in author_names; chain: test_service.py:7 in test_names > "
            "service.py:7 in author_names > orm.py:2 in get; *"
        ]
    )


def test_the_fingerprint_is_the_static_findings(bookshop, report):
    bookshop.makepyfile(
        test_books="""
        from shop import bookshop, titles_with_authors

        def test_titles(throughput):
            with throughput.measure():
                titles_with_authors(bookshop())
        """
    )
    bookshop.runpytest("-p", "no:cacheprovider", report.option).assert_outcomes(passed=1)
    (finding,) = report.test("test_titles")["n_plus_one"]
    sarif = subprocess.run(
        [sys.executable, "-m", "throughlint", "shop.py", "--format", "sarif"],
        cwd=bookshop.path,
        capture_output=True,
        text=True,
        check=False,
    )
    (result,) = [
        r
        for r in json.loads(sarif.stdout)["runs"][0]["results"]
        if r["ruleId"] == "TL101"
        and r["locations"][0]["physicalLocation"]["region"]["startLine"] == finding["line"]
    ]
    assert finding["fingerprint"] == result["partialFingerprints"]["throughlint/v1"]


def test_repetition_driven_by_the_test_is_not_an_n_plus_one(bookshop, report):
    _write(bookshop, WRAPPER)
    bookshop.makepyfile(
        test_pages="""
        import unittest

        import pytest
        from service import page
        from shop import bookshop, name_of

        @pytest.fixture
        def warm():
            conn = bookshop()
            for author_id in range(30):  # a fixture's loop: not measured, not an N+1
                name_of(conn, author_id)
            return conn

        @pytest.mark.throughput
        def test_pages_through_the_list(warm):
            for number in range(12):  # the test pages through: one query per page
                page(warm, number)

        @pytest.mark.throughput
        class TestSetUp(unittest.TestCase):
            def setUp(self):
                self.conn = bookshop()
                for author_id in range(20):
                    name_of(self.conn, author_id)

            def tearDown(self):
                for author_id in range(20):
                    name_of(self.conn, author_id)

            def test_one(self):
                name_of(self.conn, 1)
        """
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(passed=2)
    pages = report.test("test_pages_through_the_list")
    assert pages["n_plus_one"] == [] and pages["failures"] == []
    assert pages["repeated_by_test"] == [
        {
            "statement": "SELECT name FROM author WHERE id = ?",
            "count": 12,
            "repeated_by": "test",
            "where": "test_pages.py:17 in test_pages_through_the_list",
        }
    ]
    setup = report.test("test_one")
    assert setup["n_plus_one"] == [] and setup["verdict"] == "pass"
    assert {r["where"] for r in setup["repeated_by_test"]} == {
        "test_pages.py:24 in TestSetUp.setUp",
        "test_pages.py:28 in TestSetUp.tearDown",
    }


def test_a_framework_flush_has_no_site_and_never_fails(pytester: pytest.Pytester, report):
    """Django's TransactionTestCase flushes in teardown and re-creates content types:
    repeated SELECTs that no project frame repeats."""
    pytester.makeconftest(
        """
        import django
        from django.conf import settings

        settings.configure(
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        )
        django.setup()
        """
    )
    pytester.makepyfile(
        test_flush="""
        import pytest
        from django.core.management import call_command
        from django.test import TransactionTestCase

        call_command("migrate", verbosity=0, run_syncdb=True)

        @pytest.mark.throughput(n_plus_one_threshold=1)
        class FlushTest(TransactionTestCase):
            def test_count(self):
                from django.contrib.auth.models import User

                assert User.objects.count() == 0
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--throughput-budget", report.option
    )
    result.assert_outcomes(passed=1)
    flush = report.test("test_count")
    assert flush["n_plus_one"] == [] and flush["failures"] == []
    assert flush["repeated_by_test"], flush
    assert {r["repeated_by"] for r in flush["repeated_by_test"]} == {"library"}
    assert all("django_content_type" in r["statement"] for r in flush["repeated_by_test"][:1])
