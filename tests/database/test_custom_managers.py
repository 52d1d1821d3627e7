"""A loop over a custom manager's queryset (``Order.active.all()``, ``active =
OpenOrders()`` on the model) is a loop over a query: a lazy relation touched per row is
TL101, as over ``Order.objects``. The project index confirms the class is a Django model
with that relation, so an attribute of a user's own class (``Registry.entries.all()``)
stays clean."""

from __future__ import annotations

from support.cli_projects import SHOP_MODELS, codes_by_function, lint_json, write_project

MODELS = (
    SHOP_MODELS
    + """

class OpenOrders(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(total__gt=0)


class Invoice(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    open_ones = OpenOrders()
    everything = models.Manager()


class Registry:
    entries = []
"""
)

VIEWS = """\
from shop.models import Invoice, Registry


def custom_manager(request):
    for invoice in Invoice.open_ones.all():
        print(invoice.order.total)


def plain_manager(request):
    for invoice in Invoice.everything.filter(pk__gt=0):
        print(invoice.order.total)


def custom_manager_loads_it(request):
    for invoice in Invoice.open_ones.select_related("order"):
        print(invoice.order.total)


def custom_manager_column(request):
    for invoice in Invoice.open_ones.all():
        print(invoice.order_id)


def own_class(request):
    for entry in Registry.entries.all():
        print(entry.order.total)
"""

EXPECTED = {
    "custom_manager": "TL101",
    "plain_manager": "TL101",
    "custom_manager_loads_it": None,
    "custom_manager_column": None,
    "own_class": None,
}


def test_relations_per_row_of_a_custom_manager(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}
    )
    report = lint_json(run_cli, root, "--show-all")
    assert codes_by_function(report, VIEWS, "views.py", EXPECTED) == EXPECTED
