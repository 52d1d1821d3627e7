"""Rows a loop gets through members of a model, on real source shapes (django-cms's
``PlaceholderReference.move_to``: ``for plugin in self.placeholder_ref.get_plugins():
plugin.save()``):

- a property of a model (``@cached_property placeholder_ref``) returning a helper
  annotated ``-> Placeholder``, whose body returns a row the index cannot name
  (``relation.get(slot=slot)``): the annotation types the rows of ``get_plugins()``;
- a method of a model returning a related manager's query of its row (``return
  self.cmsplugin_set.filter(...)``): its items are rows of a model, and ``save()`` on
  each is a write.

Run through the real CLI (``--show-all``: what is found, not what is shown).
"""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from functools import cached_property

from django.db import models

from cms.slots import get_slot, plain_slot


class Placeholder(models.Model):
    slot = models.CharField(max_length=50)

    def get_plugins(self, language=None):
        if language:
            return self.plugin_set.filter(language=language)
        return self.plugin_set.all()


class Plugin(models.Model):
    placeholder = models.ForeignKey(Placeholder, on_delete=models.CASCADE)
    language = models.CharField(max_length=5)


class Reference(Plugin):
    name = models.CharField(max_length=255)

    @cached_property
    def placeholder_ref(self):
        placeholder = get_slot(self.plugin_set, "clipboard")
        placeholder.source = self
        return placeholder

    @property
    def plain_ref(self):
        return plain_slot("clipboard")
"""

SLOTS = """\
from django.db import models

from cms.models import Placeholder


class Slot:
    def get_plugins(self):
        return [Entry()]


class Entry:
    def save(self):
        print("kept in memory")


def get_slot(relation: models.Manager, slot: str) -> Placeholder:
    return relation.get(slot=slot)


def plain_slot(slot: str) -> Slot:
    return Slot()
"""

MOVES = """\
from cms.models import Placeholder, Reference


class Tree:
    def __init__(self):
        self.leaf_set = []

    def get_plugins(self):
        return self.leaf_set.filter(active=True)


def move_to(reference: Reference, language):
    for plugin in reference.placeholder_ref.get_plugins():
        plugin.language = language
        plugin.save()


def move_all(placeholder: Placeholder, language):
    for plugin in placeholder.get_plugins():
        plugin.language = language
        plugin.save()


def read_only(placeholder: Placeholder):
    return [plugin.language for plugin in placeholder.get_plugins()]


def in_memory(reference: Reference):
    for entry in reference.plain_ref.get_plugins():
        entry.save()


def own_tree(tree: Tree):
    for leaf in tree.get_plugins():
        leaf.save()
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("members"),
        {
            "cms/__init__.py": "",
            "cms/models.py": MODELS,
            "cms/slots.py": SLOTS,
            "cms/moves.py": MOVES,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    return findings_by_function(report, MOVES, "moves.py")


@pytest.mark.parametrize("function", ["move_to", "move_all"])
def test_rows_of_a_member_are_saved_one_by_one(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"
    assert "plugin.save()" in diagnostic["message"]


def test_reading_the_rows_writes_nothing(found):
    assert "read_only" not in found, found.get("read_only")


def test_a_property_annotated_with_a_plain_class_is_no_model_row(found):
    # ``plain_slot() -> Slot``: ``Slot.get_plugins()`` builds objects in memory
    assert "in_memory" not in found, found.get("in_memory")


def test_a_class_of_the_user_with_a_leaf_set_is_no_related_manager(found):
    # ``Tree`` is no model: ``self.leaf_set.filter(...)`` is whatever its list-like is
    assert "own_tree" not in found, found.get("own_tree")
