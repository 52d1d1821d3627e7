"""A method of a model called on each row of a query (``for s in Sender.objects.all():
s.refresh_id()``) runs that method's queries and writes per row: the index finds the
method for a row of ``Model.objects...`` (``qualnames.row_method``). A manager's own
method (``Sender.objects.create``) and a method that does no database work are not."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models


class Sender(models.Model):
    mid = models.CharField(max_length=10)

    def refresh_id(self):
        self.mid = "x"
        self.save()

    def count_peers(self):
        return Sender.objects.filter(mid=self.mid).count()

    def label(self):
        return self.mid.upper()
"""

JOBS = """\
from shop.models import Sender


def refresh_all():
    for sender in Sender.objects.all():
        sender.refresh_id()


def refresh_page(lower, upper):
    query = Sender.objects.filter(mid="")
    for sender in query.all()[lower:upper]:
        sender.refresh_id()


def peers():
    for sender in Sender.objects.all():
        print(sender.count_peers())


def labels():
    for sender in Sender.objects.all():
        print(sender.label())


def one_row():
    Sender.objects.get(pk=1).refresh_id()
"""

EXPECTED = {
    "refresh_all": "TL102",
    "refresh_page": "TL102",
    "peers": "TL101",
    "labels": None,
    "one_row": None,
}


def test_methods_of_each_row(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/jobs.py": JOBS}
    )
    found = findings_by_function(lint_json(run_cli, root, "--show-all"), JOBS, "jobs.py")
    assert {name: found[name]["code"] if name in found else None for name in EXPECTED} == EXPECTED
