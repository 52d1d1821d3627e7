"""A related row taken into a local (``item = cp.item``) keeps what the rows' query
prefetched under it (round 21's audit of new7, pretix row 12): ``item.addons.all()`` over
rows that ``prefetch_related("item__addons")`` reads the cache. Near misses: another
manager of the alias, and rows that prefetch nothing under it. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=10)


class Addon(models.Model):
    base = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="addons")


class Variation(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="variations")


class Position(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
"""

CART = """\
class Cart:
    def __init__(self, positions):
        self.positions = positions

    def addons(self):
        rows = self.positions.prefetch_related("item__addons").select_related("item")
        found = []
        for cp in rows:
            item = cp.item
            found.extend(a.pk for a in item.addons.all())
        return found

    def variations(self):
        rows = self.positions.prefetch_related("item__addons").select_related("item")
        found = []
        for cp in rows:
            item = cp.item
            found.extend(v.pk for v in item.variations.all())
        return found
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("alias"),
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/cart.py": CART},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    return report["diagnostics"]


def test_prefetched_under_the_alias_is_clean(found):
    lines = [d["line"] for d in found]
    assert 10 not in lines, found


def test_another_manager_of_the_alias_still_queries(found):
    assert any(d["line"] == 18 and "`item.variations.all()`" in d["message"] for d in found), found
