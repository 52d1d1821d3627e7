"""A loop over a project function's result is as big as what that function hands out
(issue 17, item 2; ``index/output_size.py`` through ``index/reach.py``): a literal list
returned (directly or through a local), a generator over a constant, a settings value,
in the same module, another module, or a method called on ``self``. Near misses stay
shown: a function returning a query, its own parameter, or a list it grows from rows; a
generator over a parameter; one return path of several that is a query. Through the
real command line, one project and one run."""

from __future__ import annotations

import pytest
from support.cli_projects import findings_by_function, lint_json, run_module_cli, write_project

MODELS = """\
from django.db import models


class Order(models.Model):
    state = models.CharField(max_length=10)
"""

HELPERS = """\
from django.conf import settings

from shop.models import Order


def default_states():
    states = ["new", "paid", "sent"]
    return states


def numbered():
    for n in range(5):
        yield n


def configured_hosts():
    return settings.HOSTS


def recent_orders():
    return Order.objects.filter(state="new")


def echoed(rows):
    return rows


def collected(rows):
    found = []
    for row in rows:
        found.append(row)
    return found


def each_of(rows):
    for row in rows:
        yield row


def sometimes_rows(flag):
    if flag:
        return ["new"]
    return Order.objects.all()
"""

# each function has one loop with one write; the test finds it by the function's name
VIEWS = """\
from shop.helpers import (
    collected,
    configured_hosts,
    default_states,
    each_of,
    echoed,
    numbered,
    recent_orders,
    sometimes_rows,
)
from shop.models import Order


def over_returned_list(request):
    for state in default_states():
        Order.objects.create(state=state)


def over_generator(request):
    for n in list(numbered()):
        Order.objects.create(state=str(n))


def over_settings(request):
    hosts = configured_hosts()
    for host in hosts:
        Order.objects.create(state=host)


class Report:
    def columns(self):
        yield from ("a", "b")

    def save(self):
        for column in self.columns():
            Order.objects.create(state=column)


def over_query(request):
    for order in recent_orders():
        Order.objects.create(state=order.state)


def over_echoed_parameter(request, rows):
    for row in echoed(rows):
        Order.objects.create(state=str(row))


def over_collected(request, rows):
    for row in collected(rows):
        Order.objects.create(state=str(row))


def over_generator_of_parameter(request, rows):
    for row in each_of(rows):
        Order.objects.create(state=str(row))


def over_one_query_path(request, flag):
    for row in sometimes_rows(flag):
        Order.objects.create(state=str(row))
"""

EXPECTED = {
    "over_returned_list": ("constant", "constant input"),
    "over_generator": ("constant", "constant input"),
    "over_settings": ("configured", "configured input"),
    "Report": ("constant", "constant input"),
    "over_query": ("unknown", None),
    "over_echoed_parameter": ("unknown", None),
    "over_collected": ("unknown", None),
    "over_generator_of_parameter": ("unknown", None),
    "over_one_query_path": ("unknown", None),
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, dict]:
    """Each view's one finding, from one ``--show-all`` run (``run_cli`` is per test)."""
    root = write_project(
        tmp_path_factory.mktemp("outputs"),
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/helpers.py": HELPERS,
            "shop/views.py": VIEWS,
        },
    )

    report = lint_json(run_module_cli, root, "--show-all")
    return findings_by_function(report, VIEWS, "views.py")


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_output_size(findings, function):
    size, held = EXPECTED[function]
    diagnostic = findings[function]
    assert diagnostic["code"] == "TL102"
    assert (diagnostic["input_size"], diagnostic["held_back"]) == (size, held)
