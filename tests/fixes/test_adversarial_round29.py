"""Programs just outside a fix's conditions that ``--fix`` used to rewrite into a program
that does something else (round 29). Each runs the original and the fixed program on real
Django, compares what they print and how they end, and first checks that the original
exercises the case; near misses keep the fix."""

from __future__ import annotations

from support.differential import assert_same_behaviour
from support.django_programs import fix_shop_report, shop_files

DISTINCT_LISTING = """\
from shop.models import Book


def listing():
    return [(book.title, book.author.name) for book in rows()]


def rows():
    out = []
    for book in Book.objects.{chain}:
        out.append(book)
        book.author.name
    return out
"""

# Books whose authors' names are out of the order the books were written in: a DISTINCT
# over the joined columns that SQLite sorts returns them in another order.
SHUFFLED_AUTHORS = """\
for number, name in enumerate("RQYIPWEO"):
    author = models.Author.objects.create(name=name)
    models.Book.objects.create(title=f"t{number}", author=author)
print(report.listing())
"""
LISTED = str([(f"t{number}", name) for number, name in enumerate("RQYIPWEO")])


def test_select_related_on_an_unordered_distinct_query_is_not_safe(tmp_path):
    """``Book.objects.distinct()``: the join's columns join the DISTINCT and SQLite
    returns the rows in another order; the fix is unsafe (offered with
    ``--unsafe-fixes`` only)."""
    files = shop_files(DISTINCT_LISTING.format(chain="distinct()"), SHUFFLED_AUTHORS)
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert "distinct()` without `order_by()`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, LISTED)


def test_select_related_on_an_ordered_distinct_query_keeps_the_fix(tmp_path):
    files = shop_files(DISTINCT_LISTING.format(chain='distinct().order_by("id")'), SHUFFLED_AUTHORS)
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, LISTED)
