"""Small by construction (issue 17): a request's own small collection (the fields of a
form, a formset's forms, the files of one upload, a page sliced with a literal bound) is
``small`` input and held back; a bound from settings is ``configured``. Near misses stay
shown: one field's value (a user's selection), a window whose length is not literal, a
large literal page, a name that only ends in "form". Through the real command line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

MODELS = """\
from django.db import models


class Order(models.Model):
    state = models.CharField(max_length=10)
"""

VIEW = """\
from django.conf import settings

from shop.models import Order


def handle(request, form, formset, offset, transform):
    for item in {subject}:
        Order.objects.create(state=str(item))
"""


def lint(run_cli, root: Path, subject: str, *args: str) -> dict:
    (root / "shop").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.throughlint]\n")
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(MODELS)
    (root / "shop" / "views.py").write_text(textwrap.dedent(VIEW.format(subject=subject)))
    completed = run_cli(".", "--no-cache", "--format", "json", *args, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)


HELD = {
    "request.FILES.items()": ("small", "small input"),
    'request.FILES.getlist("files")': ("small", "small input"),
    "formset.forms": ("small", "small input"),
    "form": ("small", "small input"),
    "form.cleaned_data.items()": ("small", "small input"),
    'Order.objects.filter(state="new")[:20]': ("small", "small input"),
    'enumerate(Order.objects.filter(state="new")[10:30])': ("small", "small input"),
    'Order.objects.filter(state="new")[: settings.PAGE_SIZE]': ("configured", "configured input"),
}


@pytest.mark.parametrize("subject", sorted(HELD))
def test_small_by_construction_is_held_back(run_cli, tmp_path, subject):
    size, reason = HELD[subject]
    document = lint(run_cli, tmp_path, subject)
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {reason: 1}
    (shown,) = lint(run_cli, tmp_path / "all", subject, "--show-all")["diagnostics"]
    assert (shown["code"], shown["input_size"], shown["held_back"]) == ("TL102", size, reason)


SHOWN = {
    'form.cleaned_data["orders"]': "per-request",
    'Order.objects.filter(state="new")[offset : offset + 20]': "unbounded",
    'Order.objects.filter(state="new")[:5000]': "unbounded",
    "transform": "unknown",
}


@pytest.mark.parametrize("subject", sorted(SHOWN))
def test_near_misses_stay_shown(run_cli, tmp_path, subject):
    (shown,) = lint(run_cli, tmp_path, subject)["diagnostics"]
    assert (shown["code"], shown["input_size"]) == ("TL102", SHOWN[subject])


CLASS_VIEW = """\
from shop.models import Order


class Preview:
    PREVIEW = 8
    EXPORT = 5000
    limit = 8
    CHOSEN = 8

    def __init__(self, chosen):
        self.CHOSEN = chosen

    def handle(self):
        for item in {subject}:
            Order.objects.create(state=str(item))
"""


@pytest.mark.parametrize(
    ("bound", "size"),
    [
        ("self.PREVIEW", "small"),
        ("Preview.PREVIEW", "small"),
        ("self.EXPORT", "unbounded"),  # a large constant: as large a page as a literal
        ("self.limit", "unbounded"),  # not upper case: an attribute an instance may change
        ("self.CHOSEN", "unbounded"),  # bound again on each instance
    ],
)
def test_a_page_cut_by_a_class_constant(run_cli, tmp_path, bound, size):
    # ``files[:self.MAX_FILES_PREVIEW]`` (ReviewBoard): the class body binds the bound
    subject = f'Order.objects.filter(state="new")[:{bound}]'
    view = textwrap.dedent(CLASS_VIEW.replace("{subject}", subject))
    (tmp_path / "shop").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(MODELS)
    (tmp_path / "shop" / "views.py").write_text(view)
    completed = run_cli(".", "--no-cache", "--format", "json", "--show-all", cwd=tmp_path)
    (shown,) = json.loads(completed.stdout)["diagnostics"]
    assert (shown["code"], shown["input_size"]) == ("TL102", size)
