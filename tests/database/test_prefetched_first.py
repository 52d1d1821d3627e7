"""``first()`` on a prefetched relation (new10 audit, vulnerablecode row 13): when the
related model has a default ``Meta.ordering``, Django's ``QuerySet.first()`` slices the
prefetched rows and runs no query; without one it orders by the key, a new query, and so
does ``last()`` (it reverses the ordering). The lint is checked through the real CLI and
the claim against real Django (query counts, sqlite in memory)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.cli_projects import lint_json, run_module_cli, write_project
from tests.support.django_programs import SHOP_SETTINGS

MODELS = """\
from django.db import models


class Base(models.Model):
    class Meta:
        abstract = True
        ordering = ["-id"]


class Schedule(models.Model):
    name = models.CharField(max_length=10)


class Run(models.Model):
    schedule = models.ForeignKey(Schedule, related_name="runs", on_delete=models.CASCADE)

    class Meta:
        ordering = ["-id"]


class Step(models.Model):
    schedule = models.ForeignKey(Schedule, related_name="steps", on_delete=models.CASCADE)


class Note(Base):
    schedule = models.ForeignKey(Schedule, related_name="notes", on_delete=models.CASCADE)


class Tag(models.Model):
    schedules = models.ManyToManyField(Schedule, related_name="tags")

    class Meta:
        ordering = []
"""

REPORT = """\
from shop.models import Schedule


def first_runs():
    return [s.runs.first().pk for s in Schedule.objects.prefetch_related("runs")]


def first_notes():
    return [s.notes.first().pk for s in Schedule.objects.prefetch_related("notes")]


def first_steps():
    return [s.steps.first().pk for s in Schedule.objects.prefetch_related("steps")]


def last_runs():
    return [s.runs.last().pk for s in Schedule.objects.prefetch_related("runs")]


def first_tags():
    return [s.tags.first().pk for s in Schedule.objects.prefetch_related("tags")]
"""

RUN = (
    SHOP_SETTINGS
    + """\
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import models, report

with connection.schema_editor() as editor:
    for table in (models.Schedule, models.Run, models.Step, models.Note, models.Tag):
        editor.create_model(table)
for number in range(3):
    schedule = models.Schedule.objects.create(name=str(number))
    tag = models.Tag.objects.create()
    tag.schedules.add(schedule)
    for _ in range(2):
        models.Run.objects.create(schedule=schedule)
        models.Step.objects.create(schedule=schedule)
        models.Note.objects.create(schedule=schedule)
for name in ("first_runs", "first_notes", "first_steps", "last_runs", "first_tags"):
    with CaptureQueriesContext(connection) as queries:
        getattr(report, name)()
    print(name, len(queries))
"""
)

# the function -> (its line in REPORT, whether it runs a query per schedule)
CASES = {
    "first_runs": (5, False),  # Run orders by -id
    "first_notes": (9, False),  # Note inherits its abstract base's ordering
    "first_steps": (13, True),  # no ordering: first() orders by pk
    "last_runs": (17, True),  # last() reverses the ordering: a new query
    "first_tags": (21, True),  # an empty ordering is none
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return write_project(
        tmp_path_factory.mktemp("first"),
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/report.py": REPORT},
    )


def test_first_of_an_ordered_prefetch_is_no_query(project):
    found = lint_json(run_module_cli, project, "--select", "TL101", "--show-all")
    reported = {d["line"] for d in found["diagnostics"]}
    assert reported == {line for line, queries in CASES.values() if queries}, found


def test_django_agrees(project):
    (project / "run.py").write_text(RUN)
    completed = subprocess.run(
        [sys.executable, "run.py"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    counts = dict(line.split() for line in completed.stdout.splitlines())
    # two queries (the rows, the prefetch), plus one per schedule where first() queries
    assert counts == {name: str(2 + 3 * queries) for name, (_, queries) in CASES.items()}, (
        completed.stdout
    )
