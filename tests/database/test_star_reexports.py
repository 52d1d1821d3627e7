"""A models package that re-exports its modules with ``from .placeholdermodel import *``
(django-cms's ``cms/models/__init__.py``): ``from cms.models import Placeholder`` in
another module is the class of ``cms.models.placeholdermodel``, so its relations and
methods are known there too.

Run through the real CLI (``--show-all``: what is found, not what is shown).
"""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

AUTHORS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class _Draft(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""

BOOKS = """\
from django.db import models

from .authors import Author


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

    def shelve(self):
        self.save()
"""

STARRED = """\
from .authors import *  # noqa: F403
from .books import *  # noqa: F403
"""

SHADOWED = """\
from .authors import *  # noqa: F403
from .books import *  # noqa: F403


class Book:
    def __init__(self, author):
        self.author = author

    def shelve(self):
        print(self)
"""

VIEWS = """\
from {package}.models import Book


def titles():
    return [(book.title, book.author.name) for book in Book.objects.all()]


def joined_titles():
    return [(b.title, b.author.name) for b in Book.objects.select_related("author")]


def shelve_all():
    for book in Book.objects.filter(title__startswith="A"):
        book.shelve()
"""

PRIVATE = """\
from shop.models import _Draft


def drafts():
    return [draft.author.name for draft in _Draft.objects.all()]
"""


def _lint(tmp_path_factory, package: str, init: str) -> dict:
    files = {
        f"{package}/__init__.py": "",
        f"{package}/models/__init__.py": init,
        f"{package}/models/authors.py": AUTHORS,
        f"{package}/models/books.py": BOOKS,
        f"{package}/views.py": VIEWS.format(package=package),
    }
    if package == "shop":
        files["shop/drafts.py"] = PRIVATE
    root = write_project(tmp_path_factory.mktemp(package), files)
    return lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    return _lint(tmp_path_factory, "shop", STARRED)


@pytest.fixture(scope="module")
def shadowed(tmp_path_factory) -> dict:
    return _lint(tmp_path_factory, "shadow", SHADOWED)


def _found(report: dict, package: str) -> dict[str, dict]:
    source = VIEWS.format(package=package)
    return findings_by_function(report, source, f"{package}/views.py")


def test_a_relation_of_a_starred_model_is_read_per_row(report):
    diagnostic = _found(report, "shop").get("titles")
    assert diagnostic is not None
    assert diagnostic["code"] == "TL101"
    assert "book.author" in diagnostic["message"]


def test_a_method_of_a_starred_model_writes_per_item(report):
    diagnostic = _found(report, "shop").get("shelve_all")
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"


def test_the_relation_loaded_with_the_query_is_clean(report):
    assert "joined_titles" not in _found(report, "shop")


def test_a_private_name_is_not_starred(report):
    assert not findings_by_function(report, PRIVATE, "shop/drafts.py")


def test_a_class_the_package_defines_itself_shadows_the_starred_one(shadowed):
    found = _found(shadowed, "shadow")
    assert "shelve_all" not in found, found.get("shelve_all")
