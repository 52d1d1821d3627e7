"""A project function given each row of a query reads a lazy relation on it (round 21,
second probe helper p13): ``[item_count(o) for o in Order.objects.all()]`` with
``item_count`` returning ``order.items.count()`` runs a query per row, reported at the
call with the read as witness; also a method called with the row. Near misses: the
relation loaded by the query, a helper reading columns only, and rows that are not a
query's. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    SHOP_MODELS,
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = (
    SHOP_MODELS
    + """

class Item(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
"""
)

TAGS = """\
def item_count(order):
    return order.items.count()


def customer_name(order):
    return order.customer.name


def order_total(order):
    return order.total


class Formatter:
    def line(self, order):
        return f"{order.customer.name}: {order.total}"
"""

VIEWS = """\
from .models import Order
from .tags import Formatter, customer_name, item_count, order_total


def counts(request):
    return [item_count(o) for o in Order.objects.all()]


def names(request):
    return [customer_name(o) for o in Order.objects.filter(total__gt=0)]


def lines(request):
    formatter = Formatter()
    return [formatter.line(o) for o in Order.objects.all()]


def counts_loaded(request):
    return [item_count(o) for o in Order.objects.prefetch_related("items")]


def names_loaded(request):
    return [customer_name(o) for o in Order.objects.select_related("customer")]


def totals(request):
    return [order_total(o) for o in Order.objects.all()]


def drafts(request, pending):
    return [customer_name(o) for o in pending]
"""

FLAGGED = {
    "counts": "`item_count(o)` reads `order.items.count()`",
    "names": "`customer_name(o)` reads `order.customer`",
    "lines": "`formatter.line(o)` reads `order.customer`",
}


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("rowcalls"),
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/tags.py": TAGS,
            "shop/views.py": VIEWS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    return findings_by_function(report, VIEWS, "views.py")


@pytest.mark.parametrize("function", sorted(FLAGGED))
def test_helper_reads_the_row_relation(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: no TL101"
    assert FLAGGED[function] in diagnostic["message"]


@pytest.mark.parametrize("function", ["counts_loaded", "names_loaded", "totals", "drafts"])
def test_near_miss_stays_clean(found, function):
    assert function not in found, found.get(function)
