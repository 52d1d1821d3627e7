"""Django admin change lists whose columns read a relation for every row shown
(``index/admin_lists.py``): a column method reading ``obj.customer``, ``obj.tags.all()``,
or a model property that reads ``self.customer``. A change list with a foreign key among
its columns joins every foreign key (``select_related()``); ``list_select_related = True``
joins them too, and an admin with its own ``get_queryset`` says nothing. The model comes
from ``@admin.register(Model)`` or ``admin.site.register(Model, Admin)``. A count per row
is annotated, not prefetched; a relation read by several columns of one admin is one
finding, at its first read."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

MODELS = """\
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=10)


class Tag(models.Model):
    name = models.CharField(max_length=10)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    tags = models.ManyToManyField(Tag)
    total = models.IntegerField()

    @property
    def customer_label(self):
        return self.customer.name


class Invoice(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    number = models.IntegerField()
"""

ADMIN = """\
from django.contrib import admin

from shop.models import Customer, Invoice, Order, Tag


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "customer_name", "customer_link", "tag_list", "customer_label", "total")

    def customer_name(self, obj):
        return obj.customer.name

    def customer_link(self, obj):
        return f"<a href='{obj.customer.pk}'>{obj.customer.name}</a>"

    def tag_list(self, obj):
        return ", ".join(t.name for t in obj.tags.all())


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "order_total")

    def order_total(self, obj):
        return obj.order.total


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "first_order")
    list_select_related = True

    def first_order(self, obj):
        return obj.orders.first()


class OwnQueryAdmin(admin.ModelAdmin):
    list_display = ("id", "customer_name")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer")

    def customer_name(self, obj):
        return obj.customer.name


admin.site.register(Order, OwnQueryAdmin)


class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "order_count")

    def order_count(self, obj):
        return obj.order_set.count()


admin.site.register(Tag, TagAdmin)


@admin.register(Tag)
class CountedTagAdmin(admin.ModelAdmin):
    list_display = ("name", "order_count")

    def order_count(self, obj):
        return obj.order_set.count()
"""


def test_change_list_columns_that_read_relations(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/admin.py": ADMIN}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    lines = ADMIN.splitlines()
    found = {d["line"]: (lines[d["line"] - 1].strip(), d["message"]) for d in report["diagnostics"]}
    assert sorted(found) == [8, 11, 17, 54, 65]  # 54: registered by admin.site.register
    assert found[8][1].startswith("`obj.customer_label` reads `self.customer` (shop.models")
    assert found[11][1] == (
        "`obj.customer` runs a query for every row of the `OrderAdmin` change list: "
        '1 + N queries; set `list_select_related = ("customer",)`'
    )
    assert 'prefetch_related("tags")' in found[17][1]
    assert found[65][1].endswith('(`annotate(Count("order"))`)')
    assert found[54][0] == "return obj.order_set.count()"
