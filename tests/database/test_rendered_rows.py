"""``str(row)`` and ``f"{row}"`` run the model's ``__str__`` (round 21, second probe helper
d2): over ``Shipment.objects.all()``, a ``__str__`` that reads ``self.order`` queries
once per row. Near misses: the relation loaded by ``select_related``, a ``__str__``
reading columns only, and a format spec (``f"{n:>5}"`` on a number). Run through the
real CLI."""

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
    number = models.IntegerField()


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    carrier = models.CharField(max_length=20)

    def __str__(self):
        return f"{self.carrier} for order {self.order.number}"


class Carrier(models.Model):
    name = models.CharField(max_length=20)

    def __str__(self):
        return self.name
"""

VIEWS = """\
from .models import Carrier, Shipment


def labels(request):
    return [str(s) for s in Shipment.objects.all()]


def lines(request):
    return [f"- {s}" for s in Shipment.objects.filter(carrier="ups")]


def labels_loaded(request):
    return [str(s) for s in Shipment.objects.select_related("order")]


def carriers(request):
    return [str(c) for c in Carrier.objects.all()]


def numbers(request):
    return [f"{n:>5}" for n in range(3)]
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("str"),
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    return findings_by_function(report, VIEWS, "views.py")


@pytest.mark.parametrize("function", ["labels", "lines"])
def test_rendered_row_reads_a_relation(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: no TL101"
    assert "`str(s)` reads `self.order`" in diagnostic["message"]


@pytest.mark.parametrize("function", ["labels_loaded", "carriers", "numbers"])
def test_near_miss_stays_clean(found, function):
    assert function not in found, found.get(function)
