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


LOCAL_COMPONENT = """\
import requests
from django.db import models


class Component(models.Model):
    name = models.CharField(max_length=10)

    def store_log(self, text):
        requests.post("https://logs.example.com", json={"t": text}, timeout=3)


class Node(models.Model):
    component = models.ForeignKey("other.Component", on_delete=models.CASCADE)
    local = models.ForeignKey("Component", on_delete=models.CASCADE)

    def log(self, text):
        self.component.store_log(text)

    def log_locally(self, text):
        self.local.store_log(text)
"""

OTHER_COMPONENT = """\
from django.db import models


class Component(models.Model):
    name = models.CharField(max_length=10)

    def store_log(self, text):
        return len(text)
"""

NODE_VIEWS = """\
from app.models import Node


def log_all(request, pk):
    node = Node(pk=pk)
    for text in request.GET.getlist("t"):
        node.log(text)


def log_all_locally(request, pk):
    node = Node(pk=pk)
    for text in request.GET.getlist("t"):
        node.log_locally(text)
"""


def test_the_app_label_picks_the_related_model_before_the_owner_s_module(run_cli, tmp_path):
    """``ForeignKey("other.Component")`` is ``other``'s ``Component``, though the owner's
    module has one of that name too (adversarial bug5); a bare ``"Component"`` is the
    owner's module's."""
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": LOCAL_COMPONENT,
            "app/views.py": NODE_VIEWS,
            "other/__init__.py": "",
            "other/models.py": OTHER_COMPONENT,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL401")
    found = findings_by_function(report, NODE_VIEWS, "views.py")
    assert sorted(found) == ["log_all_locally"]
