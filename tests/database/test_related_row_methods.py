"""``self.component.store_log()`` in a model method, with ``component`` a to-one relation
field: the related model's method runs (``ProjectIndex.related_hop``). Before, the call
was named after the field's constructor (``ForeignKey().store_log``) and reached nothing
(weblate's ``Translation.log_hook``: a cache SET per unit of an upload)."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=10)

    def order_count(self):
        return Order.objects.filter(customer=self).count()

    def label(self):
        return self.name.upper()


class Tag(models.Model):
    def names(self):
        return list(Tag.objects.values_list("id", flat=True))


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    backup = models.OneToOneField("shop.Customer", on_delete=models.CASCADE)
    tags = models.ManyToManyField(Tag)

    def customer_orders(self):
        return self.customer.order_count()

    def backup_orders(self):
        return self.backup.order_count()

    def customer_label(self):
        return self.customer.label()

    def tag_names(self):
        return self.tags.names()
"""

JOBS = """\
from shop.models import Order


def customer_orders():
    for order in Order.objects.select_related("customer"):
        order.customer_orders()


def backup_orders():
    for order in Order.objects.select_related("backup"):
        order.backup_orders()


def customer_labels():
    for order in Order.objects.select_related("customer"):
        order.customer_label()


def tag_names():
    for order in Order.objects.prefetch_related("tags"):
        order.tag_names()
"""


def test_a_method_called_on_a_to_one_relation_runs_the_related_model_s(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/jobs.py": JOBS}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = findings_by_function(report, JOBS, "jobs.py")
    assert sorted(found) == ["backup_orders", "customer_orders"]
    assert "`order_count()`" in found["customer_orders"]["message"]
