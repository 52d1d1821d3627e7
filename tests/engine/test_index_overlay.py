"""A long-lived project (the language server) keeps the other files' facts merged and adds
the edited buffer to a copy on each re-lint (``ProjectIndex.overlay``), taking from the
last merge what the buffer's changed facts cannot have changed (``Reuse``). Whatever it
reuses, a re-lint reports what a fresh full run of the project on disk reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from throughlint.index.project import ProjectIndex
from throughlint.project import Project
from throughlint.settings import Settings

MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""
REPO = """\
import sqlite3

from app.models import Book


def load(pk):
    return Book.objects.get(pk=pk)


def touch(book, save=True):
    if save:
        book.save()


def rows(connection: sqlite3.Connection, key):
    return connection.execute("SELECT * FROM t WHERE k = ?", (key,)).fetchall()
"""
# the buffer, edited step by step: each step changes facts the index reads
EDITS = [
    # a loop calling a helper that queries
    """\
from app.repo import load


def index(ids):
    for pk in ids:
        load(pk)
""",
    # a call added inside the function: its callees and call sites change, not its names
    """\
from app.repo import load, touch


def index(ids):
    for pk in ids:
        book = load(pk)
        touch(book, save=False)
""",
    # a call whose guard lets the write through, and a new function
    """\
from app.repo import load, touch


def index(ids):
    for pk in ids:
        book = load(pk)
        touch(book)


def authors(books):
    return [book.author.name for book in books]
""",
    # a model of its own, with a relation the loop follows
    """\
from django.db import models

from app.repo import load


class Shelf(models.Model):
    book = models.ForeignKey("app.Book", on_delete=models.CASCADE)


def index(ids):
    for pk in ids:
        load(pk)
    return [shelf.book.author for shelf in Shelf.objects.all()]
""",
    # a typed receiver handed to a helper of another module
    """\
import sqlite3

from app.repo import rows


def index(keys):
    connection = sqlite3.connect("x.db")
    for key in keys:
        rows(connection, key)
""",
    # back to the first version
    """\
from app.repo import load


def index(ids):
    for pk in ids:
        load(pk)
""",
]


def _project(root: Path) -> Project:
    return Project(Settings(project_root=str(root)), str(root), use_cache=False)


def _findings(diagnostics) -> list[tuple[int, str, str]]:
    return sorted((d.span.line, d.code, d.message) for d in diagnostics)


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(MODELS)
    (app / "repo.py").write_text(REPO)
    (app / "views.py").write_text(EDITS[0])
    return tmp_path


def test_every_re_lint_of_an_edited_buffer_matches_a_full_run(project_root):
    views = project_root / "app" / "views.py"
    editor = _project(project_root)
    seen = set()
    for text in EDITS:
        in_editor = editor.lint_buffer(str(views), text)
        views.write_text(text)
        full = _project(project_root).lint_paths([str(project_root)])
        expected = [d for d in full.diagnostics if Path(d.path).resolve() == views.resolve()]
        assert _findings(in_editor) == _findings(expected), text
        seen.update(d.code for d in expected)
    assert {"TL101", "TL102"} <= seen  # the steps do exercise cross-file findings


def test_an_edit_inside_a_body_reuses_what_the_classes_imply(project_root, monkeypatch):
    views = project_root / "app" / "views.py"
    editor = _project(project_root)
    editor.lint_buffer(str(views), EDITS[0])
    built: list[str] = []
    relations, typed = ProjectIndex._build_relations, ProjectIndex._typed_effects
    monkeypatch.setattr(
        ProjectIndex,
        "_build_relations",
        lambda index: built.append("relations") or relations(index),
    )
    monkeypatch.setattr(
        ProjectIndex, "_typed_effects", lambda index: built.append("typed") or typed(index)
    )
    merges: list[int] = []
    overlay = ProjectIndex.overlay
    monkeypatch.setattr(ProjectIndex, "overlay", lambda index: merges.append(1) or overlay(index))
    edited = EDITS[0].replace("load(pk)", "load(pk)\n        load(pk + 1)")
    assert [d.code for d in editor.lint_buffer(str(views), edited)] == ["TL101"]
    assert merges == [1]  # the buffer's facts changed: merged again, on a copy of the others
    assert "relations" not in built  # its classes did not change
    built.clear()
    editor.lint_buffer(str(views), EDITS[3])  # a model of its own: relations worked out again
    assert "relations" in built and "typed" in built


def test_the_base_is_left_as_it_was_by_a_merge_on_its_copy(project_root):
    views = project_root / "app" / "views.py"
    editor = _project(project_root)
    editor.lint_buffer(str(views), EDITS[0])
    base = editor._memo.base
    assert base is not None
    functions, sites = (
        dict(base.functions),
        {k: list(v) for k, v in base.argument_types.sites.items()},
    )
    for text in EDITS[1:]:
        editor.lint_buffer(str(views), text)
    assert editor._memo.base is base  # the other files did not change
    assert base.functions == functions
    assert base.argument_types.sites == sites
    assert not any(name.startswith("app.views.") for name in base.functions)


HELPERS_CHAIN = (
    "from app.models import Author\n\n\n"
    "def f5(name, save=True):\n    if save:\n        Author(name=name).save()\n"
    + "".join(
        f"\n\ndef f{i}(name, save=True):\n    f{i + 1}(name, save=save)\n" for i in range(4, -1, -1)
    )
)


@pytest.mark.parametrize("first", ["a_views", "z_views"])
def test_a_guarded_chain_gives_the_same_findings_whichever_loop_is_checked_first(
    project_root, first
):
    """``f4(n, save=False)`` never writes; an answer cut off at the depth bound while
    another loop was checked must not be reused for it (found by an adversarial test)."""
    app = project_root / "app"
    (app / "helpers.py").write_text(HELPERS_CHAIN)
    loop = (
        "from app.helpers import {f}\n\n\n"
        "def run(names):\n    for n in names:\n        {f}(n, save=False)\n"
    )
    (app / f"{first}.py").write_text(loop.format(f="f0"))
    (app / "b_views.py").write_text(loop.format(f="f4"))
    found = _project(project_root).lint_paths([str(project_root)]).diagnostics
    assert not [d for d in found if d.path.endswith("b_views.py")]
