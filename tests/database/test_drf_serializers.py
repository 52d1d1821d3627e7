"""REST framework serializers that read a relation for every row they render
(``index/serializers.py``): a ``get_<field>(self, obj)`` reading ``obj.customer``, a
``source="customer.name"`` field, a nested serializer of the project's, used by a list
view over ``Order.objects.all()`` or as ``Serializer(qs, many=True)``. A view whose
query loads the relation, a serializer no view uses, a field of the framework's own and
a plain field stay clean."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

MODELS = """\
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=10)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    total = models.IntegerField()
"""

SERIALIZERS = """\
from rest_framework import serializers

from api.models import Customer, Order


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name"]


class OrderSerializer(serializers.ModelSerializer):
    customer_name = serializers.SerializerMethodField()
    label = serializers.CharField(source="customer.name")
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Order
        fields = ["id", "customer_name", "label", "owner", "total"]

    def get_customer_name(self, obj):
        return obj.customer.name

    def get_double(self, obj):
        return obj.total * 2


class NestedOrderSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer(read_only=True)

    class Meta:
        model = Order
        fields = ["id", "customer"]


class LoadedNestedSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer(read_only=True)

    class Meta:
        model = Order
        fields = ["id", "customer"]


class CustomerCountSerializer(serializers.ModelSerializer):
    orders = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "orders"]

    def get_orders(self, obj):
        return obj.orders.count()


class UnusedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id"]

    def get_name(self, obj):
        return obj.customer.name
"""

VIEWS = """\
from rest_framework import generics, viewsets

from api.models import Customer, Order
from api.serializers import (
    CustomerCountSerializer,
    LoadedNestedSerializer,
    NestedOrderSerializer,
    OrderSerializer,
)


class OrderViewSet(viewsets.ModelViewSet):
    queryset = Order.objects.all()
    serializer_class = OrderSerializer


class NestedOrders(generics.ListAPIView):
    serializer_class = NestedOrderSerializer

    def get_queryset(self):
        return Order.objects.filter(total__gt=0)


class LoadedOrders(generics.ListAPIView):
    queryset = Order.objects.select_related("customer")
    serializer_class = LoadedNestedSerializer


def counts(request):
    return CustomerCountSerializer(Customer.objects.all(), many=True).data


def counts_prefetched(request):
    rows = Customer.objects.prefetch_related("orders")
    return CustomerCountSerializer(rows, many=True).data
"""


def test_serializers_reading_relations_per_row(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "api/__init__.py": "",
            "api/models.py": MODELS,
            "api/serializers.py": SERIALIZERS,
            "api/views.py": VIEWS,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    lines = SERIALIZERS.splitlines()
    found = sorted((d["line"], lines[d["line"] - 1].strip()) for d in report["diagnostics"])
    assert found == [
        (14, 'label = serializers.CharField(source="customer.name")'),
        (22, "return obj.customer.name"),
        (29, "customer = CustomerSerializer(read_only=True)"),
        (52, "return obj.orders.count()"),
    ]
    messages = {d["line"]: d["message"] for d in report["diagnostics"]}
    assert messages[22].startswith(
        "`obj.customer` runs a query for every row `OrderSerializer` renders for `OrderViewSet`"
    )
    assert "counts`" in messages[52] and 'prefetch_related("orders")' in messages[52]
