"""A branch taken when the loop's item is one object the loop does not rebind (``for
translation in translations: if not self.is_source and translation == self:``) runs for
one item, not per item: the items of a loop over objects are distinct (weblate's
``delete_unit``, audit before.tsv ``translation.py:1986``). A test on an attribute of the
item filters (``translation.owner == self.owner``), a literal may repeat in a list of
strings (``state == "stale"``), and a name the loop rebinds changes with the pass: all
three are still reported. A project class named ``Translation`` that is no model stays
clean."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models


class Translation(models.Model):
    name = models.CharField(max_length=10)
    is_source = models.BooleanField()


def others(translation):
    return Translation.objects.filter(name=translation.name)


def cleanup(current):
    for translation in others(current):
        if not current.is_source and translation == current:
            Translation.objects.filter(name=translation.name).delete()


def cleanup_same(current):
    for translation in others(current):
        if translation is current:
            Translation.objects.filter(name=translation.name).delete()


def cleanup_each(current):
    for translation in others(current):
        if translation.name == current.name:
            Translation.objects.filter(name=translation.name).delete()


def cleanup_named(states):
    for state in states:
        if state == "stale":
            Translation.objects.filter(name=state).delete()


def cleanup_rebound(current):
    previous = None
    for translation in others(current):
        if translation == previous:
            Translation.objects.filter(name=translation.name).delete()
        previous = translation
"""

SHADOW = """\
class Translation:
    def __init__(self, name):
        self.name = name

    def delete(self):
        return self.name


def cleanup(translations, current):
    for translation in translations:
        if translation == current:
            Translation(translation).delete()
"""


def test_a_branch_for_one_selected_item_runs_once(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/shadow.py": SHADOW}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL102")
    found = findings_by_function(report, MODELS, "models.py")
    assert sorted(found) == ["cleanup_each", "cleanup_named", "cleanup_rebound"]
    assert not findings_by_function(report, SHADOW, "shadow.py")
