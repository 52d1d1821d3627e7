"""Where a queryset comes from when no ``objects`` is in sight: a refinement under an
``if`` (``qs = qs.filter(...)``), an annotation (``qs: QuerySet[Order]``), Django's admin
convention (``def action(self, request, queryset)``); and what is no longer a queryset
(``in_bulk()`` hands back a dict)."""

from __future__ import annotations

from support.cli_projects import (
    SHOP_MODELS,
    codes_by_function,
    findings_by_function,
    lint_json,
    write_project,
)

JOBS = """\
from django.db.models import QuerySet

from shop.models import Customer, Order


def refined_under_an_if(slugs):
    customers = Customer.objects.filter(name__isnull=False).exclude(name="")
    if slugs:
        customers = customers.filter(name__in=slugs)
    for customer in customers:
        customer.name = customer.name.strip()
        customer.save()


def refined_twice(slugs, least):
    orders = Order.objects.all()
    if slugs:
        orders = orders.filter(customer__name__in=slugs)
    if least:
        orders = orders.filter(total__gte=least)
    for order in orders:
        order.delete()


def rebound_to_something_else(slugs):
    orders = Order.objects.all()
    if slugs:
        orders = [slug.upper() for slug in slugs]
    for order in orders:
        order.save()


def annotated_with_the_model(orders: QuerySet[Order]):
    for order in orders:
        order.save()


def annotated_as_text(orders: "QuerySet[Order]"):
    for order in orders:
        order.delete()


def annotated_without_the_model(orders: QuerySet):
    for order in orders:
        order.save()


def dict_of_rows(ids):
    by_id = Order.objects.in_bulk(ids)
    for order_id in ids:
        print(by_id.get(order_id))


def one_query_per_id(ids):
    for order_id in ids:
        print(Order.objects.get(pk=order_id))


def counted_once(ids):
    total = Order.objects.filter(pk__in=ids).count()
    for order_id in ids:
        print(total.bit_length(), order_id)
"""

EXPECTED = {
    "refined_under_an_if": "TL102",
    "refined_twice": "TL102",
    "rebound_to_something_else": None,
    "annotated_with_the_model": "TL102",
    "annotated_as_text": "TL102",
    "annotated_without_the_model": "TL102",
    "dict_of_rows": None,
    "one_query_per_id": "TL101",
    "counted_once": None,
}


def test_querysets_from_refinements_annotations_and_plain_results(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS, "shop/jobs.py": JOBS}
    )
    report = lint_json(run_cli, root, "--show-all")
    assert codes_by_function(report, JOBS, "jobs.py", EXPECTED) == EXPECTED
    found = findings_by_function(report, JOBS, "jobs.py")
    assert all(found[name]["confidence"] == "typed" for name in EXPECTED if EXPECTED[name])


NESTED = """\
from shop.models import Customer


def escalate(slugs):
    customers = Customer.objects.filter(name__isnull=False).exclude(name="")
    if slugs:
        customers = customers.filter(name__in=slugs)
    for customer in customers:
        for order in customer.order_set.filter(total__gt=0).exclude(total=1):
            order.total = 0
            order.save()
"""


def test_rows_of_a_related_manager_of_rows_of_a_refined_queryset(run_cli, tmp_path):
    """A resolution long enough to need more than twelve steps: the loop variable of the
    inner loop is a row of a related manager of a row of a refined queryset."""
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS, "shop/nested.py": NESTED},
    )
    report = lint_json(run_cli, root, "--show-all")
    found = {(d["line"], d["code"]) for d in report["diagnostics"]}
    assert found == {(9, "TL101"), (11, "TL102")}


OWN_QUERYSET = """\
class QuerySet:
    def __class_getitem__(cls, item):
        return cls

    def __iter__(self):
        return iter([])


class Order:
    def save(self):
        pass


def annotated_with_a_class_of_its_own(orders: QuerySet[Order]):
    for order in orders:
        order.save()


def bare_annotation_of_its_own(orders: QuerySet):
    for order in orders:
        order.save()
"""


def test_a_class_of_the_users_own_called_queryset_is_not_djangos(run_cli, tmp_path):
    root = write_project(tmp_path, {"shop/__init__.py": "", "shop/own.py": OWN_QUERYSET})
    report = lint_json(run_cli, root, "--show-all")
    assert report["diagnostics"] == []


ADMIN = """\
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shop.models import Order


class OrderAdmin(admin.ModelAdmin):
    def zero_totals(self, request, queryset):
        for order in queryset:
            order.total = 0
            order.save()

    def zero_with_one_update(self, request, queryset):
        queryset.update(total=0)


@admin.action(description="Delete one by one")
def delete_each(modeladmin, request, queryset):
    for order in queryset:
        order.delete()


@admin.action(description="Zero, annotated")
def zero_annotated(modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]):
    for order in queryset:
        order.total = 0
        order.save()


def not_the_convention(queryset, request):
    for order in queryset:
        order.save()
"""

ADMIN_EXPECTED = {
    "OrderAdmin": "TL102",
    "delete_each": "TL102",
    "zero_annotated": "TL102",
    "not_the_convention": None,
}


def test_the_admin_hands_actions_the_selected_rows(run_cli, tmp_path):
    """``(request, queryset)`` is Django's convention for admin actions and list filters:
    the rows a user ticked. Admin actions are a cold path and the selection is
    per-request input, so the findings are held back from the default output."""
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS, "shop/admin.py": ADMIN}
    )
    shown_all = lint_json(run_cli, root, "--show-all")
    assert codes_by_function(shown_all, ADMIN, "admin.py", ADMIN_EXPECTED) == ADMIN_EXPECTED
    found = findings_by_function(shown_all, ADMIN, "admin.py")
    selections = ("OrderAdmin", "delete_each", "zero_annotated")
    assert {found[name]["input_size"] for name in selections} == {"per-request"}
    assert lint_json(run_cli, root)["diagnostics"] == []


NO_DJANGO = """\
class Selection:
    def save(self):
        pass


def action(modeladmin, request, queryset):
    for row in queryset:
        row.save()
"""


def test_the_admin_convention_needs_django(run_cli, tmp_path):
    root = write_project(tmp_path, {"tool/__init__.py": "", "tool/actions.py": NO_DJANGO})
    assert lint_json(run_cli, root, "--show-all")["diagnostics"] == []


UNPACKED = """\
from shop.models import Order


def counted(request):
    for position, order in enumerate(Order.objects.all(), start=1):
        order.total = position
        order.save()


def paired(request, totals):
    for order, total in zip(Order.objects.all(), totals):
        order.total = total
        order.save()


def paired_with_three(request):
    for order, total in zip(Order.objects.all(), range(3)):
        order.total = total
        order.save()


def paired_with_ten(request):
    for order, total in zip(Order.objects.all(), range(10)):
        order.total = total
        order.save()


def own_enumerate(request):
    def enumerate(rows):
        return [(str(row), row) for row in rows]

    for text, order in enumerate(Order.objects.all()):
        text.save()
        order.save()


def the_count_is_no_row(request):
    for position, order in enumerate(Order.objects.all()):
        position.save()
"""

UNPACKED_EXPECTED = {
    "counted": "TL102",
    "paired": "TL102",
    "paired_with_three": None,
    "paired_with_ten": "TL102",
    "own_enumerate": None,
    "the_count_is_no_row": None,
}


def test_rows_unpacked_from_enumerate_and_zip(run_cli, tmp_path):
    """``for i, row in enumerate(qs)`` and ``for row, x in zip(qs, xs)``: each name takes
    its items from its own iterable; a ``zip`` is as long as its shortest argument (a
    loop of three passes never flags; ten constant passes are held back)."""
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS, "shop/views.py": UNPACKED},
    )
    report = lint_json(run_cli, root, "--show-all")
    assert codes_by_function(report, UNPACKED, "views.py", UNPACKED_EXPECTED) == UNPACKED_EXPECTED
    found = findings_by_function(report, UNPACKED, "views.py")
    assert found["paired_with_ten"]["input_size"] == "constant"
    assert found["counted"]["input_size"] == "unbounded"
    shown = codes_by_function(lint_json(run_cli, root), UNPACKED, "views.py", UNPACKED_EXPECTED)
    assert shown == {**UNPACKED_EXPECTED, "paired_with_ten": None}


VOUCHER_MODELS = """\
from django.db import models


class Offer(models.Model):
    name = models.CharField(max_length=10)


class Voucher(models.Model):
    offers = models.ManyToManyField(Offer)
"""

VOUCHER_FORMS = """\
from django import forms


class VoucherSetForm(forms.ModelForm):
    def save(self, commit=True):
        instance = super().save(commit)
        offers = self.cleaned_data["offers"]
        for position, voucher in enumerate(instance.vouchers.order_by("created")):
            voucher.offers.set(offers)
        return instance


def builtin_values(names):
    for name in dict.fromkeys(names):
        name.offers.set([])


class ModelBase(type):
    def __new__(cls, name, bases, attrs):
        new_class = super().__new__(cls, name, bases, attrs)
        for base in new_class.mro():
            new_class.offers.set(base)
            new_class._meta.offers.update(base.__dict__)
        return new_class


def register(models):
    for model in models:
        model._meta.offers.update({})
"""


def test_a_row_reached_through_super_is_not_a_builtin_value(run_cli, tmp_path):
    """``super().save().vouchers...`` starts at a builtin but is no builtin value: its
    rows may be models, and the related manager call is judged by the project's models;
    the items of a ``dict`` are not, nor a class ``super().__new__`` makes, nor its
    ``_meta``."""
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": VOUCHER_MODELS, "shop/forms.py": VOUCHER_FORMS},
    )
    report = lint_json(run_cli, root, "--show-all")
    assert [(d["line"], d["code"]) for d in report["diagnostics"]] == [(9, "TL102")]


FORM_MODELS = """\
from django.db import models


class VoucherSet(models.Model):
    name = models.CharField(max_length=10)


class Voucher(models.Model):
    voucher_set = models.ForeignKey(VoucherSet, related_name="vouchers", on_delete=models.CASCADE)
    name = models.CharField(max_length=10)
"""

FORMS = """\
from django import forms

from shop.models import VoucherSet


class VoucherSetForm(forms.ModelForm):
    class Meta:
        model = VoucherSet
        fields = ["name"]

    def save(self, commit=True):
        instance = super().save(commit)
        for position, voucher in enumerate(instance.vouchers.order_by("name")):
            voucher.name = f"{instance.name} - {position}"
            voucher.save()
        return instance

    def rename(self):
        for voucher in self.instance.vouchers.all():
            voucher.name = voucher.name.upper()
            voucher.save()


class RenamingForm(VoucherSetForm):
    def shout(self):
        for voucher in self.instance.vouchers.all():
            voucher.save()


class PlainForm(forms.Form):
    def save(self):
        instance = super().save()
        for voucher in instance.vouchers.all():
            voucher.save()


class ModelForm:
    def save(self):
        return self


class OwnForm(ModelForm):
    class Meta:
        model = VoucherSet

    def save(self):
        instance = super().save()
        for voucher in instance.vouchers.all():
            voucher.save()
"""


def test_the_row_a_model_form_edits(run_cli, tmp_path):
    """In a ``ModelForm``'s methods, ``self.instance`` and ``super().save()`` are rows of
    ``Meta.model`` (a subclass inherits its ``Meta``); not in a plain ``Form``, nor in a
    user's own class called ``ModelForm``."""
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": FORM_MODELS, "shop/forms.py": FORMS},
    )
    report = lint_json(run_cli, root, "--show-all")
    lines = FORMS.splitlines()
    found = [(lines[d["line"] - 1].strip(), d["code"]) for d in report["diagnostics"]]
    assert found == [("voucher.save()", "TL102")] * 3
    assert [d["line"] for d in report["diagnostics"]] == [15, 21, 27]


def _refined_view(count: int) -> str:
    letters = [f"p{number}" for number in range(count)]
    lines = [
        "from shop.models import Order",
        "",
        "",
        f"def search(request, {', '.join(letters)}):",
        "    orders = Order.objects.all()",
    ]
    for letter in letters:
        lines += [f"    if {letter}:", f"        orders = orders.filter(total={letter})"]
    lines += ["    for order in orders:", "        order.save()", ""]
    return "\n".join(lines)


def test_a_search_view_with_many_optional_filters(run_cli, tmp_path):
    """Each refinement is one step from the one before, whatever the chain's length, up
    to 64 of them (found by an adversarial test: ten stopped resolving)."""
    views = {12: "shop/twelve.py", 64: "shop/many.py", 200: "shop/too_many.py"}
    files = {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS}
    files.update({path: _refined_view(count) for count, path in views.items()})
    report = lint_json(run_cli, write_project(tmp_path, files))
    flagged = sorted(d["path"] for d in report["diagnostics"])
    assert flagged == ["shop/many.py", "shop/twelve.py"]
    assert report["summary"]["errors"] == []


OWN_ZIP = """\
from shop.models import Order


def own_zip(request):
    def zip(rows, others):
        return [(row, other) for row in rows for other in others]

    for order, total in zip(Order.objects.all(), range(30)):
        print(order, Order.objects.get(pk=total))
"""


def test_a_zip_of_the_users_own_is_not_sized_by_its_shortest_argument(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS, "shop/views.py": OWN_ZIP},
    )
    report = lint_json(run_cli, root, "--show-all")
    sizes = [d["input_size"] for d in report["diagnostics"]]
    assert sizes and "constant" not in sizes


NOT_AN_ADMIN = """\
from shop.models import Order


def export(modeladmin, request, queryset):
    for order in Order.objects.all():
        order.save()
"""


def test_the_admin_action_signature_is_cold_only_in_django_code(run_cli, tmp_path):
    """Without a Django import, ``(modeladmin, request, queryset)`` says nothing about
    where the code runs."""
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS, "shop/export.py": NOT_AN_ADMIN},
    )
    report = lint_json(run_cli, root, "--show-all")
    kinds = [d["path_kind"] for d in report["diagnostics"]]
    assert kinds and all(not (kind or "").startswith("cold: admin") for kind in kinds)
