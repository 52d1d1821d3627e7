"""A model's own method called per row, where the row resolves to a name that does not
give its class: a row of a related manager, a row of a page cut from a refined queryset,
a row of ``reduce(operator.or_, querysets)``, an item of a cached property. The project
index decides which model's method it is from the row's origin, as it does for a row
whose name does not resolve at all; an object of another package stays clean."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

MODELS = """\
from django.db import models


class Registrant(models.Model):
    pricing_id = models.IntegerField()


class Pricing(models.Model):
    spots_taken = models.IntegerField()
    conf = models.ForeignKey("Conf", on_delete=models.CASCADE)

    def update_spots_taken(self):
        spots_taken = Registrant.objects.filter(pricing_id=self.id).count()
        if spots_taken != self.spots_taken:
            self.spots_taken = spots_taken
            self.save(update_fields=["spots_taken"])


class Conf(models.Model):
    name = models.CharField(max_length=10)
"""

JOBS = """\
import functools
import operator

import boto3

from ev.models import Conf, Pricing


def refined(q):
    pricings = Pricing.objects.filter(spots_taken__gt=0)
    if q:
        pricings = pricings.filter(q).distinct()
    for pricing in pricings:
        pricing.update_spots_taken()


def through_the_related_manager(conf_id):
    conf = Conf.objects.get(pk=conf_id)
    for pricing in conf.pricing_set.exclude(spots_taken=0).iterator():
        pricing.update_spots_taken()


def paged(refresh):
    query = Pricing.objects.all()
    if refresh:
        query = query.filter(spots_taken=0)
    lower, upper = 0, 1000
    while True:
        for pricing in query.all()[lower:upper]:
            pricing.update_spots_taken()
        if not query.exists():
            break
        lower, upper = upper, upper + 1000


def reduced(filters):
    pricings = functools.reduce(operator.or_, [Pricing.objects.filter(f) for f in filters])
    for pricing in pricings.distinct():
        pricing.update_spots_taken()


def another_package(names):
    bucket = boto3.resource("s3").Bucket("spots")
    for summary in bucket.objects.all():
        summary.update_spots_taken()
"""


def test_model_methods_on_rows_whose_names_resolve(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"ev/__init__.py": "", "ev/models.py": MODELS, "ev/jobs.py": JOBS}
    )
    report = lint_json(run_cli, root, "--show-all")
    lines = JOBS.splitlines()
    flagged = {
        lines[d["line"] - 1].strip(): d["code"]
        for d in report["diagnostics"]
        if d["path"].endswith("jobs.py")
    }
    assert flagged == {
        "for pricing in pricings:": "TL102",
        "for pricing in conf.pricing_set.exclude(spots_taken=0).iterator():": "TL102",
        "for pricing in query.all()[lower:upper]:": "TL102",
        "for pricing in pricings.distinct():": "TL102",
    }
