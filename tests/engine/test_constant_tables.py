"""Input sizes of shapes found in the second audit of new applications (round 17): one entry
of a constant table (``self.aliases["image"]``, ``FIELDS["user"]``), a list literal bound
once in ``__init__`` and never grown, and a configured value behind a size-preserving
wrapper (``dict(settings.LANGUAGES)``); an upper-case constant of an imported module
(``files_service.MOVIE_PREFIXES``, the new5 audit), as an imported upper-case name already
was; a set narrowed from a constant one (``set(FIXED).difference(done)``, the new6 audit).
Near misses stay as before: an entry picked by a variable key, an attribute the class
appends to, a set narrowed from the argument's or grown by a union. Through the real
command line."""

from __future__ import annotations

import json
import textwrap

import pytest

MODELS = """\
from django.db import models


class Order(models.Model):
    state = models.CharField(max_length=10)
"""

VIEW = """\
from django.conf import settings

from shop import constants
from shop.models import Order

FIELDS = {"user": ["name", "email"], "order": ["state"]}


class Importer:
    ALIASES = {"image": ["image", "main_image"], "qty": ["quantity", "qty"]}

    def __init__(self):
        self.defaults = ["received", "in progress", "complete"]
        self.pending = ["received"]

    def note(self, state):
        self.pending.append(state)

    def run(self, key):
        for item in {subject}:
            Order.objects.create(state=str(item))
"""


def _input_size(run_cli, tmp_path, subject: str) -> str:
    (tmp_path / "shop").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(MODELS)
    (tmp_path / "shop" / "constants.py").write_text('PREFIXES = ["a", "b"]\nprefixes = []\n')
    view = textwrap.dedent(VIEW.replace("{subject}", subject))
    (tmp_path / "shop" / "views.py").write_text(view)
    completed = run_cli(".", "--no-cache", "--format", "json", "--show-all", cwd=tmp_path)
    assert completed.returncode in (0, 1), completed.stderr
    (shown,) = json.loads(completed.stdout)["diagnostics"]
    assert shown["code"] == "TL102"
    return shown["input_size"]


@pytest.mark.parametrize(
    ("subject", "size"),
    [
        ('self.ALIASES["image"]', "constant"),
        ('FIELDS["user"]', "constant"),
        ("constants.PREFIXES", "constant"),  # an imported module's upper-case constant
        ("settings.LANGUAGES", "configured"),  # a setting, though upper-case and imported
        ("self.defaults", "constant"),
        ("dict(settings.LANGUAGES)", "configured"),
        ("list(dict(settings.LANGUAGES).keys())", "configured"),
        # a set narrowed from a constant one: Calibre-Web's missing thumbnail resolutions
        ("list(set(self.defaults).difference(key))", "constant"),
        ("set(self.defaults) - set(key)", "constant"),
        ("set(key) & set(self.defaults)", "constant"),
        ("set(self.defaults).intersection(key)", "constant"),
        ("set(key).intersection(self.defaults)", "constant"),
        # near misses
        ("self.ALIASES[key]", "unknown"),  # which entry depends on the argument
        ("self.pending", "unknown"),  # the class appends to it
        ("constants.prefixes", "unknown"),  # not written as a constant
        ("set(key).difference(self.defaults)", "unknown"),  # the argument's set, narrowed
        ("set(key) - set(self.defaults)", "unknown"),
        ("set(self.defaults).union(key)", "unknown"),  # a union grows
        ("set(self.defaults) | set(key)", "unknown"),
    ],
)
def test_input_size_of_tables_and_wrapped_settings(run_cli, tmp_path, subject, size):
    assert _input_size(run_cli, tmp_path, subject) == size
