"""A model method called on a row whose model the loop does not name (``for unit in
to_update: unit.post_save(user, save=False)``, the method tied to the one model class that
defines it) is weighed with the arguments it is passed, as a call through a typed receiver
is: ``save=False`` passed on to ``generate_change`` rules out its ``if save:
change.save()`` (weblate's propagation, which bulk-creates the changes after the loop;
audit fourth.tsv). The default and ``save=True`` still write per row, and a project class
named ``Change`` that is no model stays clean."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models


class Change(models.Model):
    target = models.TextField()


class Unit(models.Model):
    target = models.TextField()

    def post_save(self, user, *, save: bool = True):
        return self.generate_change(user, save=save)

    def generate_change(self, user, *, save: bool = True):
        change = Change(target=self.target)
        if save:
            change.save(force_insert=True)
        return change


def propagate(units, user):
    changes = [unit.post_save(user, save=False) for unit in units]
    Change.objects.bulk_create(changes)


def generate_unsaved(units, user):
    changes = [unit.generate_change(user, save=False) for unit in units]
    Change.objects.bulk_create(changes)


def default_saves(units, user):
    for unit in units:
        unit.post_save(user)


def saves(units, user):
    for unit in units:
        unit.generate_change(user, save=True)
"""

SHADOW = """\
class Change:
    def __init__(self, target):
        self.target = target

    def save(self, force_insert=False):
        return self.target


class Draft:
    def post_edit(self, user, *, save=True):
        change = Change(user)
        if save:
            change.save(force_insert=True)
        return change


def edit(drafts, user):
    for draft in drafts:
        draft.post_edit(user)
"""


def test_literal_arguments_rule_out_a_model_methods_write(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/shadow.py": SHADOW}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL102")
    found = findings_by_function(report, MODELS, "models.py")
    assert sorted(found) == ["default_saves", "saves"]
    assert not findings_by_function(report, SHADOW, "shadow.py")
