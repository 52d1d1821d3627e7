"""A loop over rows a method of the same class returns (``self.get_queryset()`` in a
class-based view's ``get_context_data``) reads the relations of the model that method
queries, as a loop over a module function's rows does: the index keeps the method's
returned value by its class's name (``OrderList.get_queryset()``), also for a subclass
that inherits it. A method that loads relations on its way, or whose query passes through
a custom queryset method (which may load them), claims nothing."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=10)


class OrderQuerySet(models.QuerySet):
    def for_page(self):
        return self.select_related("customer")


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    total = models.IntegerField()

    objects = OrderQuerySet.as_manager()
"""

VIEWS = """\
from django.views.generic import ListView

from shop.models import Order


class OrderList(ListView):
    model = Order

    def get_queryset(self):
        return Order.objects.filter(total__gt=0)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["names"] = [o.customer.name for o in self.get_queryset()]
        return context


class BigOrderList(OrderList):
    def names(self):
        return [o.customer.name for o in self.get_queryset()]


class PageOrderList(ListView):
    def get_queryset(self):
        return Order.objects.for_page().filter(total__gt=0)

    def names(self):
        return [o.customer.name for o in self.get_queryset()]


class JoinedOrderList(ListView):
    def get_queryset(self):
        return Order.objects.select_related("customer")

    def names(self):
        return [o.customer.name for o in self.get_queryset()]
"""


def test_rows_a_method_of_the_class_returns(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = findings_by_function(report, VIEWS, "views.py")
    assert sorted(found) == ["BigOrderList", "OrderList"]
    assert "`o.customer`" in found["OrderList"]["message"]
