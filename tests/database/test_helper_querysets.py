"""A loop over the queryset a project function returns (``for o in open_orders():``) is a
loop over that query: a lazy relation touched per row is TL101 and ``o.save()`` TL102,
typed by the index from what the helper returns (``database_values``), in the same module
or another one. The
helper's own ``select_related`` / ``prefetch_related`` / ``values()`` are not read
argument by argument, so such a helper gives no finding; neither does a helper returning
something that is not a Django queryset, nor a user's own class with an ``objects``."""

from __future__ import annotations

import json

from support.cli_projects import (
    SHOP_MODELS,
    codes_by_function,
    findings_by_function,
    lint_json,
    write_project,
)

MODELS = (
    SHOP_MODELS
    + """

class Ledger:
    objects = None
    customer = None
"""
)

HELPERS = """\
from shop.models import Customer, Ledger, Order


def open_orders():
    return Order.objects.filter(total__gt=0)


def orders_with_customers():
    return Order.objects.select_related("customer").filter(total__gt=0)


def order_rows():
    return Order.objects.values("customer__name")


def plain_list():
    return [Order(total=1)]


def ledgers():
    return Ledger.objects.filter()


def listed_orders():
    return list(Order.objects.filter(total__gt=0))


def customers_with_orders():
    return list(Customer.objects.prefetch_related("order_set"))


def plain_customers():
    return list(Customer.objects.all())
"""

VIEWS = """\
from shop.helpers import (
    customers_with_orders,
    ledgers,
    listed_orders,
    open_orders,
    order_rows,
    orders_with_customers,
    plain_customers,
    plain_list,
)


def through_a_helper(request):
    for order in open_orders():
        print(order.customer.name)


def through_a_name(request):
    orders = list(open_orders())
    for order in orders:
        print(order.customer.name)


def a_plain_field(request):
    for order in open_orders():
        print(order.total)


def helper_loads_it(request):
    for order in orders_with_customers():
        print(order.customer.name)


def helper_gives_dicts(request):
    for row in order_rows():
        print(row.customer)


def helper_gives_a_list(request):
    for order in plain_list():
        print(order.customer.name)


def own_objects(request):
    for ledger in ledgers():
        print(ledger.customer.name)


def save_through_a_helper(request):
    for order in open_orders():
        order.save()


def save_own_objects(request):
    for ledger in ledgers():
        ledger.save()


def a_listed_queryset(request):
    for order in listed_orders():
        print(order.customer.name)


def helper_prefetches_the_manager(request):
    # ReviewBoard's ``get_diffsets()``: ``list(...prefetch_related("files"))``
    for customer in customers_with_orders():
        for order in customer.order_set.all():
            print(order.total)


def manager_of_a_plain_list(request):
    for customer in plain_customers():
        for order in customer.order_set.all():
            print(order.total)


def local_helper(request):
    def mine():
        return [1, 2]

    for item in mine():
        print(item.customer)
"""

EXPECTED = {
    "through_a_helper": "TL101",
    "through_a_name": "TL101",
    "a_plain_field": None,
    "helper_loads_it": None,
    "helper_gives_dicts": None,
    "helper_gives_a_list": None,
    "own_objects": None,
    "save_through_a_helper": "TL102",
    "save_own_objects": None,
    "local_helper": None,
    "a_listed_queryset": "TL101",
    "helper_prefetches_the_manager": None,
    "manager_of_a_plain_list": "TL101",
}


def test_relations_per_row_of_a_helpers_queryset(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/helpers.py": HELPERS,
            "shop/views.py": VIEWS,
        },
    )
    report = lint_json(run_cli, root, "--show-all")
    assert codes_by_function(report, VIEWS, "views.py", EXPECTED) == EXPECTED
    found = findings_by_function(report, VIEWS, "views.py")
    assert "open_orders()" in found["through_a_helper"]["message"]


def test_a_helper_in_the_same_module(run_cli, tmp_path):
    source = HELPERS + "\n\n" + VIEWS.split(")\n", 1)[1]  # less the import
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": source}
    )
    report = lint_json(run_cli, root, "--show-all")
    assert codes_by_function(report, source, "views.py", EXPECTED) == EXPECTED


def test_one_file_run_sees_the_helper_in_another_file(run_cli, tmp_path):
    """The front-ends agree: linting views.py alone finds what a run of the project does."""
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/helpers.py": HELPERS,
            "shop/views.py": VIEWS,
        },
    )
    completed = run_cli(
        "shop/views.py", "--no-cache", "--show-all", "--format", "json", cwd=root
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    found = findings_by_function(json.loads(completed.stdout), VIEWS, "views.py")
    assert found["through_a_helper"]["code"] == "TL101"


REPORTS = """\
from shop.helpers import open_orders, orders_with_customers


def names(request):
    return [order.customer.name for order in open_orders()]


def loaded_names(request):
    return [order.customer.name for order in orders_with_customers()]


def totals(request):
    for order in open_orders():
        print(order.total)
"""


def test_a_file_that_names_no_database_is_still_read_for_relations(run_cli, tmp_path):
    """``reports.py`` mentions no database word, so TL101's own walk skips it; the
    collector of the index's facts records the relation read per row of the helper's
    queryset (adversarial case B8), for TL101 only, and only while it is selected."""
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/helpers.py": HELPERS,
            "shop/reports.py": REPORTS,
        },
    )
    expected = {"names": "TL101", "loaded_names": None, "totals": None}
    report = lint_json(run_cli, root, "--show-all")
    assert codes_by_function(report, REPORTS, "reports.py", expected) == expected
    for narrowed in (("--ignore", "TL101"), ("--select", "TL102")):
        report = lint_json(run_cli, root, "--show-all", *narrowed)
        assert not [d for d in report["diagnostics"] if d["path"].endswith("reports.py")]
