"""The runtime N+1 report and the static rules agree on where an N+1 is: through a helper
in another module, the report names the caller's loop (where the static rule reports it,
with the project index) and says ``confirmed``."""

from __future__ import annotations

LOOKUPS = """
def author_name(conn, author_id):
    return conn.execute("SELECT name FROM author WHERE id = ?", (author_id,)).fetchone()
"""

REPORTS = """
from lookups import author_name


def titles_with_authors(conn):
    rows = conn.execute("SELECT id, title, author_id FROM book").fetchall()
    for _, title, author_id in rows:
        author_name(conn, author_id)
"""

# The loop lives in the code under test (a loop in the test file is the test's own
# repetition, not an N+1 of the code).
THROUGH_A_HELPER = """
import pytest
from reports import titles_with_authors
from shop import bookshop


@pytest.mark.throughput
def test_titles_with_authors():
    titles_with_authors(bookshop())
"""


def test_an_n_plus_one_through_a_helper_is_confirmed_at_the_loop(bookshop, report):
    bookshop.makepyfile(lookups=LOOKUPS, reports=REPORTS, test_books=THROUGH_A_HELPER)
    result = bookshop.runpytest("-p", "no:cacheprovider", report.option)
    result.assert_outcomes(passed=1)
    (finding,) = report.test("test_titles_with_authors")["n_plus_one"]
    assert finding["count"] == 30
    assert (finding["path"], finding["line"], finding["function"]) == (
        "reports.py",
        7,
        "titles_with_authors",
    )
    assert finding["static"] == "confirmed", finding["static_detail"]
    assert "reports.py:7" in finding["static_detail"]


INLINE_REPORTS = """
def titles_with_authors(conn):
    rows = conn.execute("SELECT id, title, author_id FROM book").fetchall()
    for _, title, author_id in rows:
        conn.execute("SELECT name FROM author WHERE id = ?", (author_id,)).fetchone()
"""

FROM_A_SUBPROJECT = """
import pytest
from svc.reports import titles_with_authors
from shop import bookshop


@pytest.mark.throughput
def test_titles_with_authors():
    titles_with_authors(bookshop())
"""


def _monorepo(bookshop, top: str, subproject: str) -> None:
    """pytest's ini at the top, a subproject ``svc/`` with its own ``pyproject.toml``."""
    bookshop.makefile(".ini", pytest="[pytest]\n")
    bookshop.makepyprojecttoml(top)
    (bookshop.path / "svc").mkdir()
    (bookshop.path / "svc" / "pyproject.toml").write_text(subproject)
    (bookshop.path / "svc" / "reports.py").write_text(INLINE_REPORTS)
    bookshop.makepyfile(test_books=FROM_A_SUBPROJECT)


def test_a_call_site_is_checked_with_its_subprojects_settings(bookshop, report):
    """The top-level configuration turns TL101 off; the subproject's does not, so
    ``throughlint svc`` reports the loop, and the cross-check confirms it."""
    _monorepo(bookshop, '[tool.throughlint]\nignore = ["TL101"]\n', "[tool.throughlint]\n")
    result = bookshop.runpytest("-p", "no:cacheprovider", report.option)
    result.assert_outcomes(passed=1)
    (finding,) = report.test("test_titles_with_authors")["n_plus_one"]
    assert finding["path"].endswith("reports.py")
    assert finding["static"] == "confirmed", finding["static_detail"]


def test_a_subproject_that_ignores_the_rule_is_not_confirmed(bookshop, report):
    """The near miss: the subproject itself ignores TL101, as ``throughlint svc`` does."""
    _monorepo(bookshop, "[tool.throughlint]\n", '[tool.throughlint]\nignore = ["TL101"]\n')
    result = bookshop.runpytest("-p", "no:cacheprovider", report.option)
    result.assert_outcomes(passed=1)
    (finding,) = report.test("test_titles_with_authors")["n_plus_one"]
    assert finding["static"] == "missed", finding["static_detail"]
