"""A prefetch spelt through a module constant (``semantic/eager_loads.py``): Django
projects bind their ``Prefetch`` objects once, beside the views that use them
(``NEWEST_FIRST = Prefetch("books", queryset=...)``, ``PREFETCHES = (...)``, then
``prefetch_related(*PREFETCHES)``). The loop over such a query reads a loaded relation:
no N+1, and no fix that appends a second ``prefetch_related("books")`` (round 32's
adversarial review). Near misses stay reported: a constant that loads another relation,
one that loads into another attribute (``to_attr``, also spelt in the call), a constant
the module binds twice whose last value loads another relation, and a user's own
``Prefetch`` class.
Through the real command line."""

from __future__ import annotations

from support.cli_projects import app_findings

MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=10)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(max_length=10)


class Shelf(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="shelves")
"""

VIEWS = """\
from django.db.models import Prefetch

from .models import Author, Book

NEWEST_FIRST = Prefetch("books", queryset=Book.objects.order_by("-pk"))
BOOKS = "books"
PREFETCHES = (NEWEST_FIRST, "shelves")
SHELVES = Prefetch("shelves")
VISIBLE = Prefetch("books", to_attr="visible")
REBOUND = Prefetch("books")
REBOUND = Prefetch("shelves")


def prefetch_constant():
    for author in Author.objects.prefetch_related(NEWEST_FIRST):
        print([book.title for book in author.books.all()])


def string_constant():
    for author in Author.objects.prefetch_related(BOOKS):
        print([book.title for book in author.books.all()])


def unpacked_tuple():
    for author in Author.objects.prefetch_related(*PREFETCHES):
        print([book.title for book in author.books.all()])


def literal_call():
    for author in Author.objects.prefetch_related(Prefetch("books")):
        print([book.title for book in author.books.all()])


def no_prefetch():
    for author in Author.objects.all():
        print([book.title for book in author.books.all()])


def other_relation():
    for author in Author.objects.prefetch_related(SHELVES):
        print([book.title for book in author.books.all()])


def to_attr():
    for author in Author.objects.prefetch_related(VISIBLE):
        print([book.title for book in author.books.all()])


def literal_to_attr():
    for author in Author.objects.prefetch_related(Prefetch("books", to_attr="visible")):
        print([book.title for book in author.books.all()])


def rebound():
    for author in Author.objects.prefetch_related(REBOUND):
        print([book.title for book in author.books.all()])
"""

SHADOWED = """\
from .models import Author


class Prefetch:
    def __init__(self, lookup):
        self.lookup = lookup


NEWEST_FIRST = Prefetch("books")


def own_prefetch():
    for author in Author.objects.prefetch_related(NEWEST_FIRST):
        print([book.title for book in author.books.all()])
"""


def test_a_prefetch_through_a_module_constant_loads_its_relation(tmp_path):
    found = app_findings(tmp_path, MODELS, "views", VIEWS, codes="TL101")
    assert "prefetch_constant" not in found
    assert "string_constant" not in found
    assert "unpacked_tuple" not in found
    assert "literal_call" not in found


def test_near_misses_are_still_reported(tmp_path):
    found = app_findings(tmp_path, MODELS, "views", VIEWS, codes="TL101")
    for name in ("no_prefetch", "other_relation", "to_attr", "literal_to_attr", "rebound"):
        assert found[name]["code"] == "TL101", name


def test_a_users_own_prefetch_class_loads_nothing(tmp_path):
    found = app_findings(tmp_path, MODELS, "views", SHADOWED, codes="TL101")
    assert found["own_prefetch"]["code"] == "TL101"
