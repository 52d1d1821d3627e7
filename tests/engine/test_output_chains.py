"""What a helper hands out, followed through other helpers (``index/output_size.py``'s
terms, resolved by ``index/reach.py``): a list grown in a loop over a configured value is
configured; a helper returning another helper's result, or a list built from its own
parameter, is as big as that result or as what its callers pass, however many calls
deep (the shape of django-axes' cache keys, built from ``AXES_LOCKOUT_PARAMETERS``).
Near misses stay shown: the same chain fed by a query, a parameter one caller fills from
a query (the helper's other callers pass constants: the join is the query's), and
helpers that call each other in a cycle. Through the real command line."""

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


def lockout_parameters(request):
    if callable(settings.LOCKOUT_PARAMETERS):
        return settings.LOCKOUT_PARAMETERS(request)
    return settings.LOCKOUT_PARAMETERS


def client_parameters(request):
    parameters = lockout_parameters(request)
    found = []
    for parameter in parameters:
        found.append({parameter: request.GET.get(parameter)})
    return found


def key_list(parameter_list):
    keys = []
    for parameters in parameter_list:
        keys.append("axes-" + "".join(str(v) for v in parameters.values()))
    return keys


def cache_keys(request):
    parameter_list = client_parameters(request)
    return key_list(parameter_list)


def order_keys():
    keys = []
    for order in Order.objects.all():
        keys.append(f"order-{order.pk}")
    return keys


def named(states):
    found = []
    for state in states:
        found.append(state.upper())
    return found


def upper_all(states):
    found = []
    for state in states:
        found.append(state.upper())
    return found


def all_names():
    names = []
    names.extend(settings.EXTRA_STATES)
    names.extend(upper_all(("new", "paid")))
    return names


def ping(items):
    return pong(items)


def pong(items):
    return ping(items)
"""

VIEWS = """\
from shop.helpers import all_names, cache_keys, named, order_keys, ping
from shop.models import Order


def through_helper_chain(request):
    for key in cache_keys(request):
        Order.objects.create(state=key)


def through_extended_list(request):
    for name in all_names():
        Order.objects.create(state=name)


def over_query_keys(request):
    for key in order_keys():
        Order.objects.create(state=key)


def over_named_query(request):
    for name in named(Order.objects.values_list("state", flat=True)):
        Order.objects.create(state=name)


def over_cycle(request, rows):
    for row in ping(rows):
        Order.objects.create(state=row)
"""

EXPECTED = {
    "through_helper_chain": ("configured", "configured input"),
    "through_extended_list": ("configured", "configured input"),
    "over_query_keys": ("unknown", None),
    "over_named_query": ("unbounded", None),
    "over_cycle": ("unknown", None),
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("chains"),
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
def test_output_chain(findings, function):
    size, held = EXPECTED[function]
    diagnostic = findings[function]
    assert diagnostic["code"] == "TL102"
    assert (diagnostic["input_size"], diagnostic["held_back"]) == (size, held)
