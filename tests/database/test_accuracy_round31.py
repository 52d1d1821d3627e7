"""Round 31 of the accuracy work on the n+1 and write families, on real source shapes.

- A loop over a parameter's dict view (``for name, fields in mapping.items():``) is as big
  as what the callers pass, like a loop over the bare parameter; a value read from a
  configuration object through attributes (``self.app.conf.beat_schedule``) is
  configured input. Both come from a scheduler that writes its configured entries at
  start-up (django-celery-beat's ``update_from_dict``).

Run through the real CLI, default output (what is shown) unless said otherwise.
"""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SCHEDULER_MODELS = """\
from django.db import models


class PeriodicTask(models.Model):
    name = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
"""

SCHEDULERS = """\
from .models import PeriodicTask


class Scheduler:
    def __init__(self, app):
        self.app = app

    def setup_schedule(self):
        self.install_default_entries()
        self.update_from_dict(self.app.conf.beat_schedule)

    def install_default_entries(self):
        entries = {}
        if self.app.conf.result_expires:
            entries.setdefault("backend_cleanup", {"task": "cleanup"})
        self.update_from_dict(entries)

    def update_from_dict(self, mapping):
        for name, fields in mapping.items():
            PeriodicTask.objects.update_or_create(name=name, defaults=fields)


class Copier:
    def copy_all(self):
        self.copy({task.name: {} for task in PeriodicTask.objects.all()})

    def copy(self, mapping):
        for name, fields in mapping.items():
            PeriodicTask.objects.update_or_create(name=name, defaults=fields)


class ProfileSync:
    def sync(self, profile):
        for setting in profile.settings.filter(enabled=True):
            PeriodicTask.objects.update_or_create(name=setting.name)


class OwnConf:
    def __init__(self, store):
        self.store = store

    def sync(self):
        for row in self.store.load().conf.rows:
            PeriodicTask.objects.update_or_create(name=row)
"""


@pytest.fixture(scope="module")
def scheduler_found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("conf"),
        {
            "beat/__init__.py": "",
            "beat/models.py": SCHEDULER_MODELS,
            "beat/schedulers.py": SCHEDULERS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL102")
    return findings_by_function(report, SCHEDULERS, "schedulers.py")


def test_configured_entries_through_a_dict_view_are_held_back(scheduler_found):
    # every caller passes configuration or a dict of literal entries
    assert "Scheduler" not in scheduler_found, scheduler_found.get("Scheduler")


def test_a_caller_passing_query_rows_shows_the_dict_view_loop(scheduler_found):
    diagnostic = scheduler_found.get("Copier")
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"


@pytest.mark.parametrize("owner", ["ProfileSync", "OwnConf"])
def test_a_related_manager_or_a_call_named_like_configuration_is_not(scheduler_found, owner):
    # ``profile.settings.filter(...)`` is a query; ``load().conf`` is whatever it returns
    diagnostic = scheduler_found.get(owner)
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"
