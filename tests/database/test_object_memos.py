"""A method whose query fills a memo on its object (``if self.lookup is None:
self.lookup = {...}``) queries once per object: a loop calling it on ``self`` queries
once, not per pass (zou's CSV importer resolving each cell through ``get_person_id``);
a loop over new objects still queries per object, a method without the memo per call,
and a get-or-create on a local (``found = self.find(k); if found: return found``) once per
key, so per pass (``RECEIVER_MEMO``)."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models


class Person(models.Model):
    name = models.CharField(max_length=10)
"""

PEOPLE = """\
from app.models import Person


def person_count():
    return Person.objects.filter(name__gt="").count()
"""

IMPORTER = """\
from app import people


class Loader:
    def __init__(self):
        self.lookup = None

    def person_id(self, name):
        if self.lookup is None:
            self.lookup = {}
            for index in range(people.person_count()):
                self.lookup[str(index)] = index
        return self.lookup.get(name)

    def direct(self, name):
        return people.person_count()

    def person_ids(self, value):
        return [self.person_id(name) for name in value.split(",")]

    def direct_ids(self, rows):
        return [self.direct(row) for row in rows]


class Registry:
    def ensure(self, name):
        found = self.find(name)
        if found:
            return found
        found = people.person_count()
        return found

    def find(self, name):
        return None

    def ensure_all(self, names):
        return [self.ensure(name) for name in names]


def each_loader(rows):
    for row in rows:
        loader = Loader()
        loader.person_id(row)
"""


def test_a_memo_on_the_object_fills_once_per_object(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/people.py": PEOPLE,
            "app/importer.py": IMPORTER,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = findings_by_function(report, IMPORTER, "importer.py")
    assert sorted(found) == ["Loader", "Registry", "each_loader"]
    assert found["Loader"]["line"] == 22  # direct_ids, not person_ids
