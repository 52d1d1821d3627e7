"""``prefetch_related_objects(orders, "items")`` loads the relation on an evaluated list
(round 21, second probe helper f2): a loop over that list reading ``o.items.all()``
answers from the cache. Near misses: the lookup on another list, another lookup, and
no prefetch at all. Run through the real CLI."""

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


class Order(models.Model):
    status = models.CharField(max_length=10)


class Item(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=10)


class Tag(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tags")
"""

VIEWS = """\
from django.db.models import prefetch_related_objects

from .models import Order


def page(request):
    orders = list(Order.objects.filter(status="open")[:200])
    prefetch_related_objects(orders, "items")
    return [[i.sku for i in o.items.all()] for o in orders]


def other_list(request):
    orders = list(Order.objects.filter(status="open")[:200])
    drafts = list(Order.objects.filter(status="draft")[:200])
    prefetch_related_objects(drafts, "items")
    return [[i.sku for i in o.items.all()] for o in orders]


def other_lookup(request):
    orders = list(Order.objects.filter(status="open")[:200])
    prefetch_related_objects(orders, "tags")
    return [[i.sku for i in o.items.all()] for o in orders]


def plain(request):
    orders = list(Order.objects.filter(status="open")[:200])
    return [[i.sku for i in o.items.all()] for o in orders]
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("pro"),
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    return findings_by_function(report, VIEWS, "views.py")


def test_prefetched_list_is_clean(found):
    assert "page" not in found, found.get("page")


@pytest.mark.parametrize("function", ["other_list", "other_lookup", "plain"])
def test_not_prefetched(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: no TL101"
    assert "`o.items.all()`" in diagnostic["message"]
