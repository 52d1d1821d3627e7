"""A loop over ``qs.iterator()`` reading a many-relation: the advice to prefetch it also
asks for ``chunk_size=`` (Django 4.1+ prefetches per chunk only with one; Django 5
refuses a prefetch without it). Near misses: ``iterator(chunk_size=500)`` already, and a
plain queryset. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
"""

VIEWS = """\
from .models import Author


def streamed(request):
    return [a.books.count() for a in Author.objects.iterator()]


def chunked(request):
    return [a.books.count() for a in Author.objects.iterator(chunk_size=500)]


def plain(request):
    return [a.books.count() for a in Author.objects.all()]
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("it"),
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    return findings_by_function(report, VIEWS, "views.py")


def test_an_iterator_without_chunk_size_is_told_to_give_one(found):
    message = found["streamed"]["message"]
    assert 'prefetch_related("books")' in message and "chunk_size=" in message, message


@pytest.mark.parametrize("function", ["chunked", "plain"])
def test_other_loops_get_the_plain_advice(found, function):
    message = found[function]["message"]
    assert 'prefetch_related("books")' in message, message
    assert "give `iterator()` a `chunk_size=`" not in message, message
