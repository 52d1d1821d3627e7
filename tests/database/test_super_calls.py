"""``super().save()`` runs the base class's own ``save``: Django's, one statement. It does
not stand for the ``save`` overrides of the base's other subclasses in the project (a
sibling model that queries in its ``save`` was reported as a query of every model's
``save``: a false TL101 in django-oscar's rating command)."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

MODELS = """\
from django.contrib.auth.models import Permission
from django.db import models


class Product(models.Model):
    rating = models.IntegerField(default=0)

    def save(self, *args, **kwargs):
        self.rating = max(self.rating, 0)
        super().save(*args, **kwargs)

    def update_rating(self):
        self.rating += 1
        self.save()


class Partner(models.Model):
    name = models.CharField(max_length=10)

    def save(self, *args, **kwargs):
        Permission.objects.get(codename="dashboard_access")
        super().save(*args, **kwargs)
"""

JOBS = """\
from shop.models import Partner, Product


def update_ratings():
    for product in Product.objects.all():
        product.update_rating()


def rename_partners():
    for partner in Partner.objects.all():
        partner.save()
"""


def test_super_save_is_the_bases_own_not_a_siblings(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/jobs.py": JOBS}
    )
    report = lint_json(run_cli, root, "--show-all")
    found = sorted(
        (d["line"], d["code"], *sorted(r["code"] for r in d.get("related") or ()))
        for d in report["diagnostics"]
        if d["path"].endswith("jobs.py")
    )
    assert found == [(6, "TL102"), (11, "TL102")]
    rating = next(d for d in report["diagnostics"] if d["line"] == 6)
    assert "Django's own `Model.save()`" in rating["message"], rating["message"]
