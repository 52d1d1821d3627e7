"""A method of a custom Django manager or queryset runs its queries where it is called
(round 21, probe p6): ``Profile.objects.touch(uid)`` per id, with ``touch`` doing
``self.filter(...).update(...)`` in a ``Manager`` subclass of another module, is a write
per item; a queryset's method through ``as_manager()`` too. Near misses: the batched
method called once, a manager method that runs no query, and the user's own ``Manager``
(not Django's). Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MANAGERS = """\
from django.db import models
from django.utils import timezone


class ProfileManager(models.Manager):
    def touch(self, user_id):
        return self.filter(user_id=user_id).update(last_seen=timezone.now())

    def touch_many(self, user_ids):
        return self.filter(user_id__in=user_ids).update(last_seen=timezone.now())

    def seen_at(self, user_id):
        return self.get(user_id=user_id).last_seen

    def label(self, user_id):
        return f"user-{user_id}"


class BadgeQuerySet(models.QuerySet):
    def award(self, user_id, name):
        return self.create(user_id=user_id, name=name)
"""

MODELS = """\
from django.db import models

from .managers import BadgeQuerySet, ProfileManager


class Profile(models.Model):
    user_id = models.IntegerField()
    last_seen = models.DateTimeField(null=True)

    objects = ProfileManager()


class Badge(models.Model):
    user_id = models.IntegerField()
    name = models.CharField(max_length=40)

    objects = BadgeQuerySet.as_manager()
"""

TASKS = """\
from .models import Badge, Profile


def mark_active(user_ids):
    for uid in user_ids:
        Profile.objects.touch(uid)


def last_seen(user_ids):
    return {uid: Profile.objects.seen_at(uid) for uid in user_ids}


def award_all(user_ids):
    for uid in user_ids:
        Badge.objects.award(uid, "early")


def mark_active_once(user_ids):
    Profile.objects.touch_many(user_ids)


def labels(user_ids):
    return [Profile.objects.label(uid) for uid in user_ids]
"""

# the user's own Manager: a registry in memory, no database
OWN_MANAGERS = """\
class Manager:
    def __init__(self):
        self.rows = []

    def filter(self, **conditions):
        return self

    def update(self, **values):
        return len(self.rows)


class ProfileManager(Manager):
    def touch(self, user_id):
        return self.filter(user_id=user_id).update(last_seen=0)
"""
OWN_MODELS = """\
from .managers import ProfileManager


class Profile:
    objects = ProfileManager()
"""
OWN_TASKS = """\
from .models import Profile


def mark_active(user_ids):
    for uid in user_ids:
        Profile.objects.touch(uid)
"""

FLAGGED = {
    "mark_active": ("TL102", "`self.filter(user_id=user_id).update()`"),
    "last_seen": ("TL101", "`self.get()"),
    "award_all": ("TL102", "`self.create()"),
}


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("managers"),
        {
            "shop/__init__.py": "",
            "shop/managers.py": MANAGERS,
            "shop/models.py": MODELS,
            "shop/tasks.py": TASKS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    return findings_by_function(report, TASKS, "tasks.py")


@pytest.mark.parametrize("function", sorted(FLAGGED))
def test_manager_method_per_item(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: nothing reported"
    code, witness = FLAGGED[function]
    assert diagnostic["code"] == code
    assert witness in diagnostic["message"]


@pytest.mark.parametrize("function", ["mark_active_once", "labels"])
def test_near_miss_stays_clean(found, function):
    assert function not in found, found.get(function)


def test_users_own_manager_is_no_database(tmp_path):
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/managers.py": OWN_MANAGERS,
            "shop/models.py": OWN_MODELS,
            "shop/tasks.py": OWN_TASKS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    assert report["diagnostics"] == []


# a manager whose get_queryset() loads a relation for every query of it (probe d1)
LOADING_MODELS = """\
from django.db import models


class Order(models.Model):
    total = models.IntegerField(default=0)


class InvoiceManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().select_related("order")


class PlainManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(void=False)


class Invoice(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    void = models.BooleanField(default=False)

    objects = InvoiceManager()
    valid = PlainManager()
"""
LOADING_VIEWS = """\
from .models import Invoice


def paid(request):
    return [inv.order.total for inv in Invoice.objects.filter(order__total__gt=0)]


def valid(request):
    return [inv.order.total for inv in Invoice.valid.all()]
"""


def test_manager_get_queryset_loads_the_relation(tmp_path):
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": LOADING_MODELS, "shop/views.py": LOADING_VIEWS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    found = findings_by_function(report, LOADING_VIEWS, "views.py")
    assert "paid" not in found, found.get("paid")
    assert "`inv.order` runs a query" in found["valid"]["message"]
