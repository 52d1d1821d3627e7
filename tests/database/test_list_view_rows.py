"""A class-based list view's ``object_list`` holds the rows of its ``get_queryset()``
(round 21, second probe helper e3): ``o.tags.all()`` over ``ctx["object_list"]`` reads
the prefetch cache when ``get_queryset()`` prefetches ``tags``, and runs a query per row
when it does not. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from django.db import models


class Tag(models.Model):
    label = models.CharField(max_length=10)


class Order(models.Model):
    tags = models.ManyToManyField(Tag)
"""

VIEWS = """\
from django.views.generic import ListView

from .models import Order


class Prefetched(ListView):
    def get_queryset(self):
        return Order.objects.prefetch_related("tags")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = [[t.label for t in o.tags.all()] for o in ctx["object_list"]]
        return ctx


class Plain(ListView):
    def get_queryset(self):
        return Order.objects.all()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = [[t.label for t in o.tags.all()] for o in self.object_list]
        return ctx
"""


def test_object_list_rows_come_with_what_get_queryset_loads(tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    found = findings_by_function(report, VIEWS, "views.py")
    assert "Prefetched" not in found, found.get("Prefetched")
    assert "`o.tags.all()`" in found["Plain"]["message"]
