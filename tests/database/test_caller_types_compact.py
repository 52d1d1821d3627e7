"""A callee whose every argument slot is unknown in a file is stored as ``{}`` in that
file's ``argument_types`` fact (a slot not there types nothing, as ``[?]`` does); a callee
passed something typed keeps its slots. The index's reading of both is tested through the
real command in ``test_caller_types.py``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from throughlint.project import lint_paths
from throughlint.settings import Settings

MODELS = """
    from django.db import models


    class Book(models.Model):
        price = models.IntegerField()
"""

SERVICES = """
    def reprice(books, factor):
        for book in books:
            book.price = book.price * factor
            book.save()  # {reprice}
"""

VIEWS = """
    from app.models import Book
    from app.services import reprice

    def sale(request):
        reprice(Book.objects.all(), 3)
"""

JOBS = """
    from app.services import reprice

    def nightly(rows):
        reprice([row for row in rows if row.price], 2)
"""


def _files(expected: str) -> dict[str, str]:
    return {
        "app/models.py": MODELS,
        "app/services.py": SERVICES.replace("{reprice}", expected),
        "app/views.py": VIEWS,
        "app/jobs.py": JOBS,
    }


def test_a_callee_passed_nothing_typed_is_stored_empty(tmp_path):
    root = tmp_path / "proj"
    for name, text in _files("").items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        (path.parent / "__init__.py").touch()
    settings = Settings(project_root=str(root))
    result = lint_paths([str(root)], settings, use_cache=False, jobs=1)
    facts = {Path(path).name: found for path, found in result.facts.items()}
    assert facts["jobs.py"]["argument_types"]["app.services.reprice"] == {}
    assert facts["views.py"]["argument_types"]["app.services.reprice"] == {
        "0": ["app.models.Book.objects.all()"],
        "1": ["?"],
    }
