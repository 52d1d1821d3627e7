"""A local name's input size from the values its function binds it to (issue 17, item 2;
``semantic/input_size.py``): literal lists on every branch, ``typing.cast`` of one, a list
filled only in a loop over a constant, a name bound from settings, a registry seen
through ``list(....values())``. Near misses keep their size: a list grown in a loop over
a parameter, handed to a call that may fill it, grown by ``+=`` or a subscript store, a
query result, a file, a name rebound by a loop, a mapping not named as a registry.
Through the real command line, one project and one run."""

from __future__ import annotations

import pytest
from support.cli_projects import findings_by_function, lint_json, run_module_cli, write_project

MODELS = """\
from django.db import models


class Order(models.Model):
    state = models.CharField(max_length=10)
"""

# each function has one loop with one write; the test finds it by the function's name
VIEWS = """\
from typing import cast

from shop.models import Order


def both_branches_literal(request, owner):
    if owner:
        params = [{"namespace": owner}, {"username": owner}]
    else:
        params = [{}]
    for param in params:
        Order.objects.create(state=str(param))


def cast_literal(request):
    blocks = cast(list, ["a", "b", "c"])
    for block in blocks:
        Order.objects.create(state=block)


def filled_in_constant_loop(request):
    months = []
    for _ in range(12):
        months.append(1)
    for month in reversed(months):
        Order.objects.create(state=str(month))


def tuple_of_pairs(request, old):
    tracked = (("slug", 1), ("project", 2))
    for attribute, action in tracked:
        Order.objects.create(state=attribute)


def from_settings(request):
    settings = load_settings()
    overrides = settings.server.overrides
    for key, value in overrides.items():
        Order.objects.create(state=key)


def grown_from_parameter(request, rows):
    names = []
    for row in rows:
        names.append(row)
    for name in names:
        Order.objects.create(state=name)


def handed_to_a_call(request):
    names = ["a"]
    fill(names)
    for name in names:
        Order.objects.create(state=name)


def grown_by_augmented_assignment(request, more):
    names = ["a"]
    names += more
    for name in names:
        Order.objects.create(state=name)


def stored_by_key(request, rows):
    seen = {}
    for row in rows:
        seen[row] = 1
    for key in seen:
        Order.objects.create(state=key)


def one_branch_a_query(request, owner):
    if owner:
        rows = ["a"]
    else:
        rows = Order.objects.filter(state="new")
    for row in rows:
        Order.objects.create(state=str(row))


def lines_of_a_file(request):
    lines = open("names.txt").readlines()
    for line in lines:
        Order.objects.create(state=line)


def rebound_by_a_loop(request, batches):
    names = ["a"]
    for names in batches:
        pass
    for name in names:
        Order.objects.create(state=name)


def registry_listed(request):
    block_registry = load_settings() or {}
    for block in list(block_registry.values()):
        Order.objects.create(state=str(block))


def users_listed(request):
    users = load_settings() or {}
    for user in list(users.values()):
        Order.objects.create(state=str(user))


def page_bound_to_a_local(request):
    top = Order.objects.order_by("-id")[0:2]
    for order in top:
        Order.objects.create(state=order.state)


def page_or_all(request, everything):
    rows = Order.objects.order_by("-id")[0:2]
    if everything:
        rows = Order.objects.all()
    for order in rows:
        Order.objects.create(state=order.state)


def load_settings():
    return object()


def fill(names):
    names.append("b")
"""

EXPECTED = {
    "both_branches_literal": ("constant", "constant input"),
    "cast_literal": ("constant", "constant input"),
    "filled_in_constant_loop": ("constant", "constant input"),
    "tuple_of_pairs": ("constant", "constant input"),
    "from_settings": ("configured", "configured input"),
    "grown_from_parameter": ("unknown", None),
    "handed_to_a_call": ("unknown", None),
    "grown_by_augmented_assignment": ("unknown", None),
    "stored_by_key": ("unknown", None),
    "one_branch_a_query": ("unbounded", None),
    "lines_of_a_file": ("unbounded", None),
    "rebound_by_a_loop": ("unknown", None),
    "registry_listed": ("configured", "configured input"),
    "users_listed": ("unknown", None),
    "page_bound_to_a_local": ("small", "small input"),
    "page_or_all": ("unbounded", None),
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, dict]:
    """Each function's one finding, from one ``--show-all`` run (``run_cli`` is per test)."""
    root = write_project(
        tmp_path_factory.mktemp("local"),
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS},
    )

    report = lint_json(run_module_cli, root, "--show-all")
    return findings_by_function(report, VIEWS, "views.py")


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_local_name_size(findings, function):
    size, held = EXPECTED[function]
    diagnostic = findings[function]
    assert diagnostic["code"] == "TL102"
    assert (diagnostic["input_size"], diagnostic["held_back"]) == (size, held)
