"""Parameter types from callers (issue 12): a parameter that every call site in the
project passes one known database type (a queryset or its items, a model instance, a
SQLAlchemy session from ``sessionmaker()``) has that type inside the function, through
the project index and the real command. Its database calls are typed (default output),
in the function itself and through it as a helper. A parameter stays untyped (the name
tier, ``--preview`` only) when the call sites disagree, when one passes something
unknown, when there is no call site, or when the function is handed on as a value; a
user's own class called ``Session`` passed in stays clean."""

from __future__ import annotations

import json
import textwrap

import pytest

from expectations import check_project

CODES = ("TL101", "TL102", "TL103")

MODELS = """
    from django.db import models


    class Book(models.Model):
        price = models.IntegerField()


    class Order(models.Model):
        book = models.ForeignKey(Book, on_delete=models.CASCADE)
        quantity = models.IntegerField()
"""

SERVICES = """
    from django.db import transaction

    from app.models import Book


    def reprice(books, factor):
        for book in books:
            book.price = book.price * factor
            book.save()  # {reprice}


    def reprice_batched(books, factor):
        for book in books:
            book.price = book.price * factor
        with transaction.atomic():
            Book.objects.bulk_update(books, ["price"])


    def mark_reordered(order):
        order.quantity += 1
        order.save(update_fields=["quantity"])
"""

DJANGO = {
    "bad-queryset-passed-from-another-module": (
        "expect: TL102",
        """
        from app.models import Book
        from app.services import reprice

        def clearance(request):
            reprice(Book.objects.filter(price__gt=50), 2)

        def sale(request):
            reprice(Book.objects.all(), 3)
        """,
    ),
    "bad-instance-through-a-helper": (
        "expect-preview: TL102",
        """
        from app.models import Order
        from app.services import mark_reordered

        def reorder_all():
            for order in Order.objects.filter(quantity__lt=3):
                mark_reordered(order)  # expect: TL102
        """,
    ),
    "bad-passed-on-by-a-typed-parameter": (
        "expect-preview: TL102",
        """
        from app.models import Order
        from app.services import mark_reordered

        def reorder(orders):
            for order in orders:
                mark_reordered(order)  # expect: TL102

        def reorder_best_sellers():
            reorder(Order.objects.filter(quantity__gte=10))
        """,
    ),
    "good-batched": (
        "expect-preview: TL102",
        """
        from app.models import Book
        from app.services import reprice_batched

        def clearance(request):
            reprice_batched(Book.objects.filter(price__gt=50), 2)
        """,
    ),
    "near-miss-call-sites-disagree": (
        "expect-preview: TL102",
        """
        from app.models import Book
        from app.services import reprice

        class Draft:
            price = 1

            def save(self):
                return self

        def clearance(request):
            reprice(Book.objects.filter(price__gt=50), 2)

        def drafts():
            return [Draft()]

        def preview_prices():
            reprice(drafts(), 2)
        """,
    ),
    "near-miss-one-call-site-untyped": (
        "expect-preview: TL102",
        """
        from app.models import Book
        from app.services import reprice

        def clearance(request):
            reprice(Book.objects.filter(price__gt=50), 2)

        def from_import(rows):
            reprice(rows, 2)
        """,
    ),
    "near-miss-no-call-site": ("expect-preview: TL102", ""),
    "near-miss-handed-on-as-a-value": (
        "expect-preview: TL102",
        """
        from app.models import Book
        from app.services import reprice

        def clearance(request):
            reprice(Book.objects.filter(price__gt=50), 2)

        def later(schedule):
            schedule(reprice)
        """,
    ),
}


@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
@pytest.mark.parametrize("case", DJANGO.values(), ids=DJANGO.keys())
def test_django_parameters_typed_by_callers(run_cli, tmp_path, case, preview):
    expected, callers = case
    files = {
        "app/models.py": MODELS,
        "app/services.py": SERVICES.replace("{reprice}", expected),
        "app/views.py": callers,
    }
    extra = ("--show-all", "--preview") if preview else ("--show-all",)
    check_project(run_cli, tmp_path, files, CODES, *extra, preview=preview)


@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_a_call_through_a_re_export_counts(run_cli, tmp_path, preview):
    """``from app import reprice``, re-exported from ``app.services``: the index may not
    tie that name to the function, so the parameter stays untyped."""
    files = {
        "app/__init__.py": "from app.services import reprice\n",
        "app/models.py": MODELS,
        "app/services.py": SERVICES.replace("{reprice}", "expect-preview: TL102"),
        "app/views.py": """
            from app.models import Book
            from app.services import reprice

            def clearance(request):
                reprice(Book.objects.filter(price__gt=50), 2)
            """,
        "web/handlers.py": """
            from app import reprice

            def from_import(rows):
                reprice(rows, 2)
            """,
    }
    extra = ("--show-all", "--preview") if preview else ("--show-all",)
    # TL401 makes every file contribute its call sites (``web/handlers.py`` mentions no
    # database API: with database rules alone it is not read)
    check_project(run_cli, tmp_path, files, (*CODES, "TL401"), *extra, preview=preview)


DB = """
    from sqlalchemy.orm import sessionmaker

    SessionLocal = sessionmaker(bind=None)
"""

OWN = """
    class Session:
        def add(self, row):
            return row

        def commit(self):
            return None
"""

LOADER = """
    def load(session, rows):
        for row in rows:
            session.add(row)
            session.commit()  # {load}


    class Importer:
        def run(self, session, rows):
            for row in rows:
                session.add(row)
                session.commit()  # {run}
"""

SQLALCHEMY = {
    "bad-session-from-a-sessionmaker": (
        {"load": "expect: TL103", "run": "expect-preview: TL103"},
        """
        from app.db import SessionLocal
        from app.loader import load

        def nightly(rows):
            with SessionLocal() as session:
                load(session, rows)
        """,
    ),
    "bad-method-called-on-an-instance": (
        {"load": "expect-preview: TL103", "run": "expect: TL103"},
        """
        from app.db import SessionLocal
        from app.loader import Importer

        def nightly(rows):
            session = SessionLocal()
            Importer().run(session, rows)
        """,
    ),
    "near-miss-method-also-called-on-an-unknown-receiver": (
        {"load": "expect-preview: TL103", "run": "expect-preview: TL103"},
        """
        from app.db import SessionLocal
        from app.loader import Importer

        def nightly(rows):
            Importer().run(SessionLocal(), rows)

        def replay(importer, session, rows):
            importer.run(session, rows)
        """,
    ),
    "shadowing-own-class-called-session": (
        {"load": "expect-preview: TL103", "run": "expect-preview: TL103"},
        """
        from app.own import Session
        from app.loader import load

        def nightly(rows):
            load(Session(), rows)
        """,
    ),
}


@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
@pytest.mark.parametrize("case", SQLALCHEMY.values(), ids=SQLALCHEMY.keys())
def test_sqlalchemy_parameters_typed_by_callers(run_cli, tmp_path, case, preview):
    expected, callers = case
    loader = LOADER.replace("{load}", expected["load"]).replace("{run}", expected["run"])
    files = {"app/db.py": DB, "app/own.py": OWN, "app/loader.py": loader, "app/jobs.py": callers}
    extra = ("--show-all", "--preview") if preview else ("--show-all",)
    check_project(run_cli, tmp_path, files, CODES, *extra, preview=preview)


def test_an_untyped_parameter_runs_no_imported_statement_of_its_own(run_cli, tmp_path):
    """``cur.execute(INSERT_EVENT, row)``, ``cur`` a parameter nothing types and the SQL
    defined in another module: not in the default output (the name tier)."""
    files = {
        "app/sql.py": """
            INSERT_EVENT = "INSERT INTO events VALUES (?)"
        """,
        "app/store.py": """
            from app.sql import INSERT_EVENT


            def load(cur, rows):
                for row in rows:
                    cur.execute(INSERT_EVENT, row)
        """,
    }
    root = tmp_path / "proj"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        (path.parent / "__init__.py").touch()
    completed = run_cli(str(root), "--format", "json", "--isolated", "--no-cache", "--show-all")
    assert completed.returncode == 0, completed.stdout
    assert json.loads(completed.stdout)["diagnostics"] == []
