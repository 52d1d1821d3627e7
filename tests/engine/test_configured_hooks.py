"""Two ways a loop's input is found configured through helpers (django-axes' cache
handler: one cache call per configured lockout-parameter key).

- A hook loaded from a dotted path in the settings and called,
  ``import_string(settings.X)(request)``, hands out what ``settings.X(request)`` does:
  configured input (``semantic/input_size.py``). A path that is not a setting, and a
  project function of the same name that is not Django's loader, stay unknown.
- A local bound to an empty list and then filled from one source only
  (``keys: list = []``, ``keys.extend(cache_keys(request))``) is as big as that source,
  which the index sizes (``loop_callee``). Filled from two sources, or from a helper over
  a query, it is not held back.

Through the real command line."""

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
from django.utils.module_loading import import_string

from shop.loading import import_string as load_named
from shop.models import Order


def lockout_parameters(request):
    if isinstance(settings.LOCKOUT_PARAMETERS, str):
        return import_string(settings.LOCKOUT_PARAMETERS)(request)
    return settings.LOCKOUT_PARAMETERS


def cache_keys(request):
    keys = []
    for parameter in lockout_parameters(request):
        keys.append(f"lock-{parameter}-{request.GET.get(parameter)}")
    return keys


def hooked_by_request(request):
    return import_string(request.GET["loader"])(request)


def hooked_by_own_loader(request):
    return load_named(settings.LOCKOUT_PARAMETERS)(request)


def order_keys():
    keys = []
    for order in Order.objects.all():
        keys.append(f"order-{order.pk}")
    return keys
"""

LOADING = """\
from shop.models import Order


def import_string(path):
    return lambda request: Order.objects.filter(state=path)
"""

VIEWS = """\
from django.core.cache import cache

from shop.helpers import (
    cache_keys,
    hooked_by_own_loader,
    hooked_by_request,
    lockout_parameters,
    order_keys,
)


def over_loaded_hook(request):
    for parameter in lockout_parameters(request):
        cache.delete(f"lock-{parameter}")


def over_filled_list(request):
    keys: list = []
    keys.extend(cache_keys(request))
    for key in keys:
        cache.delete(key)


def over_list_filled_in_loop(request):
    keys = []
    for key in cache_keys(request):
        keys.append(key)
    for key in keys:
        cache.delete(key)


def over_hook_named_by_request(request):
    for parameter in hooked_by_request(request):
        cache.delete(f"lock-{parameter}")


def over_own_loader(request):
    for parameter in hooked_by_own_loader(request):
        cache.delete(f"lock-{parameter}")


def over_two_sources(request):
    keys = []
    keys.extend(cache_keys(request))
    keys.extend(order_keys())
    for key in keys:
        cache.delete(key)


def over_filled_from_query(request):
    keys = []
    keys.extend(order_keys())
    for key in keys:
        cache.delete(key)
"""

CONFIGURED = ("configured", "configured input")
EXPECTED = {
    "over_loaded_hook": CONFIGURED,
    "over_filled_list": CONFIGURED,
    "over_list_filled_in_loop": CONFIGURED,
    "over_hook_named_by_request": ("unknown", None),
    "over_own_loader": ("unknown", None),
    "over_two_sources": ("unknown", None),
    "over_filled_from_query": ("unknown", None),
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("hooks"),
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/loading.py": LOADING,
            "shop/helpers.py": HELPERS,
            "shop/views.py": VIEWS,
        },
    )
    report = lint_json(run_module_cli, root, "--show-all", "--select", "TL401")
    return findings_by_function(report, VIEWS, "views.py")


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_loop_input(findings, function):
    size, held = EXPECTED[function]
    diagnostic = findings[function]
    assert diagnostic["code"] == "TL401"
    assert (diagnostic["input_size"], diagnostic["held_back"]) == (size, held)
