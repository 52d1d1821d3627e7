"""A row fetched by ``get()`` / ``first()`` and saved, per item (round 21, second probe
helper d3): ``order = Order.objects.get(pk=oid)`` then ``order.save()`` for each id is
a query and a write per item, one finding at the loop that lists both. Near misses: a
``get()`` of the user's own ``objects`` (no Django), an update of all ids in one
statement, and ``save()`` on a dict's ``get()``. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    SHOP_MODELS,
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

TASKS = """\
from .models import Order


class Drafts:
    objects = {}


def close_orders(ids):
    for oid in ids:
        order = Order.objects.get(pk=oid)
        order.total = 0
        order.save(update_fields=["total"])


def close_first(ids):
    for oid in ids:
        order = Order.objects.filter(pk=oid).first()
        order.delete()


def close_all(ids):
    Order.objects.filter(pk__in=ids).update(total=0)


def close_drafts(ids):
    for oid in ids:
        draft = Drafts.objects.get(oid)
        draft.save()
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("rows"),
        {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS, "shop/tasks.py": TASKS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    return findings_by_function(report, TASKS, "tasks.py")


@pytest.mark.parametrize(
    ("function", "write"), [("close_orders", "save"), ("close_first", "delete")]
)
def test_fetched_row_written_per_item(found, function, write):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: nothing reported"
    assert diagnostic["code"] == "TL102"
    assert "1 write and 1 query per item" in diagnostic["message"]
    assert any(f"`order.{write}()`" in related["message"] for related in diagnostic["related"])


@pytest.mark.parametrize("function", ["close_all", "close_drafts", "Drafts"])
def test_near_miss_stays_clean(found, function):
    assert function not in found, found.get(function)
