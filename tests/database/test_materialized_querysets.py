"""A queryset read into a list first (``list(qs)``, ``tuple(qs)``, ``sorted(qs, key=...)``,
``reversed(...)``) or sliced (``qs[:50]``) yields the same rows, each relation loaded
lazily: a loop over it is a loop over the query (``queries.iterated_query_chain``). The
rows of ``values_list()`` are tuples, and a user's own ``list`` is not the builtin."""

from __future__ import annotations

from support.cli_projects import (
    SHOP_MODELS,
    codes_by_function,
    findings_by_function,
    lint_json,
    write_project,
)

MODELS = SHOP_MODELS

VIEWS = """\
from shop.models import Order


def listed(request):
    for order in list(Order.objects.all()):
        print(order.customer.name)


def listed_through_a_name(request):
    orders = list(Order.objects.filter(total__gt=0))
    for order in orders:
        print(order.customer.name)


def sorted_rows(request):
    for order in sorted(Order.objects.all(), key=lambda o: o.total):
        print(order.customer.name)


def tuple_rows(request):
    for order in tuple(Order.objects.all()):
        print(order.customer.name)


def sliced(request):
    for order in Order.objects.order_by("-total")[:500]:
        print(order.customer.name)


def listed_with_the_relation(request):
    for order in list(Order.objects.select_related("customer")):
        print(order.customer.name)


def listed_columns(request):
    for row in list(Order.objects.values_list("customer", "total")):
        print(row.count(1))


def listed_column_of_ids(request):
    for order in list(Order.objects.all()):
        print(order.customer_id)


def own_list(request):
    def list(rows):
        return [row.pk for row in rows]

    for order in list(Order.objects.all()):
        print(order.customer)
"""

EXPECTED = {
    "listed": "TL101",
    "listed_through_a_name": "TL101",
    "sorted_rows": "TL101",
    "tuple_rows": "TL101",
    "sliced": "TL101",
    "listed_with_the_relation": None,
    "listed_columns": None,
    "listed_column_of_ids": None,
    "own_list": None,
}


def test_loops_over_a_materialized_queryset(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}
    )
    _assert_typed_codes(lint_json(run_cli, root, "--show-all"), VIEWS, "views.py", EXPECTED)


JOBS = """\
from shop.models import Order


def save_listed():
    for order in list(Order.objects.filter(total__gt=0)):
        order.total = 0
        order.save()


def save_sorted():
    for order in sorted(Order.objects.all(), key=lambda o: o.total):
        order.delete()


def save_listed_through_a_name():
    orders = list(Order.objects.all())
    for order in orders:
        order.save()


def save_reversed():
    for order in reversed(Order.objects.order_by("total")):
        order.save()


def save_all_but_the_first(customer):
    duplicates = Order.objects.filter(customer=customer)
    for order in duplicates[1:]:
        order.save()


def save_columns():
    for row in list(Order.objects.values_list("pk", "total")):
        row.count(0)


def save_own_list():
    def list(rows):
        return [str(row) for row in rows]

    for text in list(Order.objects.all()):
        text.save()


def save_own_sorted():
    sorted = lambda rows, key: rows  # noqa: E731
    for order in sorted(Order.objects.all(), key=None):
        order.save()
"""

WRITES = {
    "save_listed": "TL102",
    "save_sorted": "TL102",
    "save_listed_through_a_name": "TL102",
    "save_reversed": "TL102",
    "save_all_but_the_first": None,
    "save_columns": None,
    "save_own_list": None,
    "save_own_sorted": None,
}


def test_writes_on_the_rows_of_a_materialized_queryset(run_cli, tmp_path):
    """The rows of ``list(qs)``, ``sorted(qs)``, ``reversed(qs)`` are the model's:
    ``row.save()`` per item is TL102 as it is over ``qs`` itself (the loop variable
    resolves to the query's items, ``SemanticModel._items_of``). A user's own ``list``
    returns what it likes, and a slice (``qs[1:]``: the duplicates after the first) is
    not followed for writes."""
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/jobs.py": JOBS}
    )
    _assert_typed_codes(lint_json(run_cli, root, "--show-all"), JOBS, "jobs.py", WRITES)


def _assert_typed_codes(report: dict, source: str, suffix: str, expected: dict) -> None:
    """Each function of ``source`` has the expected code (or none), every finding typed."""
    assert codes_by_function(report, source, suffix, expected) == expected
    found = findings_by_function(report, source, suffix)
    assert all(found[name]["confidence"] == "typed" for name in expected if expected[name])
