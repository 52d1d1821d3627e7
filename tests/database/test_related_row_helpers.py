"""A model method loops over the rows a method of a related model returns
(``for plugin in self.placeholder.get_plugins(): plugin.save()``, django-cms): the walk
names the receiver through the to-one field (``mod.Reference().placeholder.get_plugins()``)
and the index follows the relation to ``Placeholder.get_plugins``, a queryset, so the
``save()`` per row is typed (round 25). Near misses: a related method that returns plain
values, and a field that is no relation. Run through the real CLI."""

from __future__ import annotations

from expectations import findings_here, lines_in, write_files

MODELS = """\
from django.db import models


class Placeholder(models.Model):
    slot = models.CharField(max_length=10)

    def get_plugins(self):
        return CMSPlugin.objects.filter(placeholder=self).order_by("position")

    def get_labels(self):
        return [Label(name) for name in self.slot.split(",")]


class Label:
    def __init__(self, name):
        self.name = name

    def save(self):
        print(self.name)


class CMSPlugin(models.Model):
    placeholder = models.ForeignKey(Placeholder, on_delete=models.CASCADE)
    language = models.CharField(max_length=10)
    position = models.IntegerField()


class PlaceholderReference(models.Model):
    placeholder_ref = models.ForeignKey(Placeholder, on_delete=models.CASCADE)
    name = models.CharField(max_length=10)

    def move_to(self, placeholder, language):
        for plugin in self.placeholder_ref.get_plugins():
            plugin.placeholder = placeholder
            plugin.language = language
            plugin.save()

    def relabel(self):
        for label in self.placeholder_ref.get_labels():
            label.save()
"""


def test_rows_of_a_related_models_method_saved_per_item(run_cli, tmp_path):
    write_files(tmp_path, {"cms/__init__.py": "", "cms/models.py": MODELS})
    found = findings_here(run_cli, "--select", "TL102")
    assert lines_in(found, "cms/models.py") == [36], found
    (message,) = [message for _, _, message in found]
    assert message.startswith("`plugin.save()` writes on every pass of the loop over")
    assert "heuristic" not in message
