"""Every diagnostic is built in one place: the same N+1 gets the same context and priority
whether the walk finds it directly or the project index finds it through a helper."""

from __future__ import annotations

import json

SHOP = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author_id = models.IntegerField()


def load_author(author_id):
    return Author.objects.get(pk=author_id)


def direct():
    for book in Book.objects.all():
        Author.objects.get(pk=book.author_id)


def through_a_helper():
    for book in Book.objects.all():
        load_author(book.author_id)
"""


def test_the_same_n_plus_one_gets_the_same_priority_directly_and_through_a_helper(
    run_cli, tmp_path
):
    (tmp_path / "shop.py").write_text(SHOP)
    completed = run_cli("--format", "json", "--no-cache", "shop.py", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr
    found = {d["line"]: d for d in json.loads(completed.stdout)["diagnostics"]}
    direct, helper = found[18], found[23]
    assert (direct["code"], helper["code"]) == ("TL101", "TL101")
    assert "load_author()" in helper["message"]  # found by the index, not the walk
    assert direct["priority"] == helper["priority"] == 40
