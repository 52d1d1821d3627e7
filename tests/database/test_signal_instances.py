"""A signal handler's ``instance`` is an instance of its ``sender`` (round 21, second
probe helper p14): ``@receiver(post_save, sender=Order)`` then a save per row of
``instance.items.all()`` is TL102, as with ``instance: Order`` annotated. Near misses: a
handler without a sender, and a user's own ``receiver`` decorator. Run through the real
CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from django.db import models


class Order(models.Model):
    total = models.IntegerField(default=0)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    qty = models.IntegerField()
"""

SIGNALS = """\
from django.db.models.signals import post_save
from django.dispatch import receiver

from .hooks import receiver as on
from .models import Order


@receiver(post_save, sender=Order)
def recompute(sender, instance, **kwargs):
    for item in instance.items.all():
        item.qty = max(item.qty, 1)
        item.save(update_fields=["qty"])


@receiver(post_save)
def any_sender(sender, instance, **kwargs):
    for item in instance.items.all():
        item.save()


@on("saved", sender=Order)
def own_hook(sender, instance, **kwargs):
    for item in instance.items.all():
        item.save()
"""

HOOKS = """\
def receiver(name, sender=None):
    def register(function):
        return function

    return register
"""


def test_sender_types_the_instance(tmp_path):
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS,
            "shop/hooks.py": HOOKS,
            "shop/signals.py": SIGNALS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL102", "--show-all")
    found = findings_by_function(report, SIGNALS, "signals.py")
    assert "`item.save()` writes" in found["recompute"]["message"]
    assert "any_sender" not in found, found.get("any_sender")
    assert "own_hook" not in found, found.get("own_hook")
