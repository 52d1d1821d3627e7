"""Modules are keyed by (root, dotted name): folders without ``__init__.py`` that each hold
a ``models.py`` are linted together as they are alone; ``src = [...]`` names namespace
packages from their root; two files that are one module get a warning."""

from __future__ import annotations

import json

from throughlint.index.project import ProjectIndex
from throughlint.project import Project
from throughlint.settings import Settings

MODELS_A = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""
VIEWS_A = """\
from models import Book


def titles():
    return [book.author.name for book in Book.objects.all()]
"""
MODELS_B = """\
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=100)
"""
VIEWS_B = """\
from models import Book


def titles():
    return [book.title for book in Book.objects.all()]
"""


def _findings(run_cli, *args, cwd):
    completed = run_cli("--format", "json", "--no-cache", *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr
    found = [(d["path"], d["line"], d["code"]) for d in json.loads(completed.stdout)["diagnostics"]]
    return sorted(found), completed.stderr


def _write(folder, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_two_roots_with_a_models_module_each_report_as_each_alone(run_cli, tmp_path):
    _write(
        tmp_path,
        {
            "app_a/models.py": MODELS_A,
            "app_a/views.py": VIEWS_A,
            "app_b/models.py": MODELS_B,
            "app_b/views.py": VIEWS_B,
        },
    )
    alone_a, _ = _findings(run_cli, "app_a", cwd=tmp_path)
    alone_b, _ = _findings(run_cli, "app_b", cwd=tmp_path)
    together, stderr = _findings(run_cli, "app_a", "app_b", cwd=tmp_path)
    assert alone_a == [("app_a/views.py", 5, "TL101")]
    assert alone_b == []
    assert together == alone_a + alone_b
    assert _findings(run_cli, "app_b", "app_a", cwd=tmp_path)[0] == together
    assert _findings(run_cli, "app_a/views.py", cwd=tmp_path)[0] == alone_a
    assert "warning" not in stderr  # two roots are not a collision


def test_src_roots_name_namespace_packages(run_cli, tmp_path):
    views = VIEWS_A.replace("from models import", "from shop.models import")
    _write(tmp_path, {"src/shop/models.py": MODELS_A, "src/shop/views.py": views})
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    assert _findings(run_cli, "src", cwd=tmp_path)[0] == []  # `shop.models` is unknown
    (tmp_path / "pyproject.toml").write_text('[tool.throughlint]\nsrc = ["src"]\n')
    expected = [("src/shop/views.py", 5, "TL101")]
    assert _findings(run_cli, "src", cwd=tmp_path)[0] == expected
    assert _findings(run_cli, "src/shop/views.py", cwd=tmp_path)[0] == expected


def test_two_files_that_are_one_module_are_a_warned_collision(run_cli, tmp_path):
    views = VIEWS_A.replace("from models import", "from shop.models import")
    _write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS_A,
            "shop/models/__init__.py": MODELS_B,
            "shop/views.py": views,
        },
    )
    _, stderr = _findings(run_cli, "shop", cwd=tmp_path)
    assert (
        "warning: shop/models.py and shop/models/__init__.py are both module `shop.models`"
        in stderr
    ), stderr


STORE_B = """\
from models import Book


def load(pk):
    return Book.objects.get(pk=pk)
"""
RUNNER_B = """\
from api import load
from models import Book


def run():
    return [load(book.pk) for book in Book.objects.all()]
"""


def test_two_roots_keep_re_exports_apart(run_cli, tmp_path):
    """``re`` (re-exports) names modules: renamed with the rest when two roots both
    define ``api`` and ``store`` (left as they were, the helper was lost together).
    Re-exports are recorded when TL404 is active."""
    _write(
        tmp_path,
        {
            "app_a/models.py": MODELS_A,
            "app_a/store.py": "def load(pk):\n    return pk\n",
            "app_a/api.py": "from store import load\n",
            "app_b/models.py": MODELS_A,
            "app_b/store.py": STORE_B,
            "app_b/api.py": "from store import load\n",
            "app_b/runner.py": RUNNER_B,
        },
    )
    options = ("--preview", "--extend-select", "TL404")
    alone_b, _ = _findings(run_cli, *options, "app_b", cwd=tmp_path)
    assert alone_b == [("app_b/runner.py", 6, "TL101")]
    assert _findings(run_cli, *options, "app_a", "app_b", cwd=tmp_path)[0] == alone_b
    assert _findings(run_cli, *options, "app_b/runner.py", cwd=tmp_path)[0] == alone_b


def test_a_re_lint_with_two_roots_reuses_the_merged_index(tmp_path, monkeypatch):
    """The names of a module two roots define are tagged per root in a copy of each file's
    facts: the copy is kept while the facts are the same objects, so a long-lived project
    (the language server) re-linting a buffer whose index facts did not change reuses the
    merged index instead of rebuilding it (a 4,272-file project: 3.5 s -> 50 ms a re-lint)."""
    _write(
        tmp_path,
        {"app_a/models.py": MODELS_A, "app_a/views.py": VIEWS_A,
         "app_b/models.py": MODELS_B, "app_b/views.py": VIEWS_B},
    )  # fmt: skip
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    project = Project(Settings(project_root=str(tmp_path)), str(tmp_path), use_cache=False)
    views = str(tmp_path / "app_a" / "views.py")
    first = project.lint_buffer(views, VIEWS_A)
    built = []
    finish = ProjectIndex.finish
    monkeypatch.setattr(
        ProjectIndex, "finish", lambda index, *reuse: built.append(1) or finish(index, *reuse)
    )
    again = project.lint_buffer(views, VIEWS_A + "\n# an edit outside the code\n")
    assert [(d.span.line, d.code) for d in again] == [(d.span.line, d.code) for d in first]
    assert [(d.span.line, d.code) for d in first] == [(5, "TL101")]
    assert built == []  # the index was reused
    project.lint_buffer(views, VIEWS_A.replace("book.author.name", "book.author.name.upper()"))
    assert built == [1]  # a change to what the index reads rebuilds it
