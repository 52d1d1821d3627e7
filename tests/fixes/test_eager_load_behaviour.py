"""The eager-load fix keeps the rows and cuts the queries: the golden cases' original and
fixed functions run against real SQLAlchemy and Django (sqlite) databases; same results,
fewer statements."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session
from support.django_programs import SHOP_SETTINGS

GOLDEN = Path(__file__).parent / "golden"


def _load(case: str, which: str, name: str, monkeypatch) -> dict:
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)  # SQLAlchemy resolves annotations there
    code = compile((GOLDEN / f"{case}.{which}").read_text(), f"{name}.py", "exec")
    exec(code, module.__dict__)
    return module.__dict__


def _sqlalchemy_run(space: dict, function: str):
    engine = create_engine("sqlite://")
    space["Base"].metadata.create_all(engine)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with Session(engine) as session:
        users = [space["User"](id=i) for i in range(1, 6)]
        session.add_all(users)
        session.add_all(
            space["Address"](id=10 * u.id + k, user_id=u.id) for u in users for k in range(u.id % 3)
        )
        session.commit()
        statements.clear()
        result = space[function](session)
    return result, len(statements)


def test_sqlalchemy_selectinload_same_rows_fewer_queries(monkeypatch):
    before = _load("eager_load_sqlalchemy", "before", "before_models", monkeypatch)
    after = _load("eager_load_sqlalchemy", "after", "after_models", monkeypatch)
    original, original_queries = _sqlalchemy_run(before, "emails_by_name")
    fixed, fixed_queries = _sqlalchemy_run(after, "emails_by_name")
    assert original == fixed and sum(map(len, fixed.values())) > 0
    assert original_queries == 1 + 5 and fixed_queries == 2


DJANGO = (
    SHOP_SETTINGS
    + """\
import sys
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shop import models
import before, after

with connection.schema_editor() as editor:
    editor.create_model(models.Author)
    editor.create_model(models.Book)
for index, name in enumerate(["Ann", "Bo", "Cy"]):
    author = models.Author.objects.create(name=name)
    for number in range(index + 1):
        models.Book.objects.create(title=f"A{name}{number}", author=author)
for function in ("titles", "counts_loop"):
    results = []
    for module in (before, after):
        with CaptureQueriesContext(connection) as queries:
            results.append(getattr(module, function)())
        results.append(len(queries))
    print(function, results[0] == results[2], results[1], results[3], len(results[0]))
"""
)


def test_django_select_and_prefetch_related_same_rows_fewer_queries(tmp_path):
    source = {
        which: (GOLDEN / f"eager_load_django.{which}").read_text() for which in ("before", "after")
    }
    models_start = source["before"].index("class Author")
    functions_start = source["before"].index("def titles")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(
        "from django.db import models\n\n\n" + source["before"][models_start:functions_start]
    )
    for which, text in source.items():
        body = text[text.index("def titles") :]
        (tmp_path / f"{which}.py").write_text("from shop.models import Author, Book\n\n\n" + body)
    (tmp_path / "run.py").write_text(DJANGO)
    completed = subprocess.run(
        [sys.executable, "run.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "titles True 7 1 6",
        "counts_loop True 4 2 3",
    ], textwrap.indent(completed.stdout, "  ")
