"""Query chains and DB call classification, asked of the semantic model during a real walk
(nested defs, lambdas, comprehensions, shadowing)."""

from __future__ import annotations

import ast
import textwrap
from itertools import count

from throughlint.effects.database import classify_call
from throughlint.engine import lint_text
from throughlint.rules.base import Rule
from throughlint.semantic.queries import query_chain
from throughlint.settings import Settings

_COUNTER = count()


def _ask(source: str, question) -> list:
    answers: list = []
    rule = Rule(code="TL989", name="probe", summary=f"Database probe {next(_COUNTER)}")

    @rule.on(ast.Call)
    def check(checker, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "probe" and node.args:
            answers.append((node.lineno, question(checker.semantic, node.args[0])))

    assert lint_text(textwrap.dedent(source), "probe_module.py", rules=[rule]) == []
    return [answer for _, answer in sorted(answers, key=lambda pair: pair[0])]


def _chain(model, node):
    chain = query_chain(model, node)
    if chain is None:
        return None
    return chain.framework, chain.model, sorted(chain.loaded), chain.loads_all, chain.rows_are_dicts


def test_django_chains_follow_names_and_refinements():
    source = """
        from django.db.models import Prefetch
        from shop.models import Book

        base = Book.objects.select_related("author")

        def view(flag):
            qs = base.filter(x=1).prefetch_related("tags", Prefetch("reviews"))
            probe(qs)
            probe(Book.objects.values("title"))
            probe(Book.objects.select_related())
            probe(Book.published.all())
            probe(sorted(qs))
            f = lambda: probe(qs.order_by("x"))
            def inner():
                qs = []
                probe(qs)
            return [probe(q) for q in [qs]]
    """
    book = "shop.models.Book"
    loaded = ("django", book, ["author", "reviews", "tags"], False, False)
    assert _ask(source, _chain) == [
        loaded,
        ("django", book, [], False, True),  # values(): rows are dicts
        ("django", book, [], True, False),  # select_related() with no argument: every FK
        None,  # a custom manager is the index's to know, not the file's
        None,  # sorted(...) is a list, not a queryset
        loaded,  # inside a lambda, refined by order_by
        None,  # the inner function's own `qs` shadows the queryset
        None,  # an item of a list literal
    ]


def test_sqlalchemy_chains_find_the_entity_and_eager_loads():
    source = """
        from sqlalchemy import select
        from sqlalchemy.orm import Session, joinedload, selectinload
        from app.models import User

        def job(session: Session):
            stmt = select(User).options(selectinload(User.addresses), joinedload("orders"))
            probe(session.scalars(stmt))
            probe(session.query(User).all())
            probe(session.execute(select(User.id)))
            probe(select(User))
    """
    assert _ask(source, _chain) == [
        ("sqlalchemy", "app.models.User", ["addresses", "orders"], False, False),
        ("sqlalchemy", "app.models.User", [], False, False),
        # columns: `User.id` is no model, so the index will find no relation on it
        ("sqlalchemy", "app.models.User.id", [], False, False),
        None,  # a statement not yet run by a session
    ]


def _kind(model, node):
    found = classify_call(model, node, Settings()) if isinstance(node, ast.Call) else None
    if found is None:
        return None
    return found.framework, found.driver, found.effect.name, found.verb, found.lazy, found.batch


def test_calls_are_classified_by_driver_and_statement():
    source = """
        import sqlite3
        import psycopg2
        import requests
        from sqlalchemy import insert, text
        from sqlalchemy.orm import Session
        from shop.models import Book

        conn = sqlite3.connect("x.db")
        pg = psycopg2.connect("dbname=x").cursor()
        INSERT = "INSERT INTO t VALUES (?)"

        def f(session: Session, rows, sql):
            probe(conn.execute(INSERT, (1,)))
            probe(conn.executemany(INSERT, rows))
            probe(pg.execute("SELECT 1"))
            probe(pg.execute(sql))
            probe(conn.execute("CREATE TABLE t (x)"))
            probe(session.execute(insert(Book), rows))
            probe(session.execute(text("UPDATE t SET x = 1")))
            probe(Book.objects.filter(x=1))
            probe(Book.objects.filter(x=1).count())
            probe(requests.Session().get("http://x"))
            probe(session.add(Book()))
            sqlite3 = None
            probe(sqlite3.connect("y").execute("SELECT 1"))
    """
    assert _ask(source, _kind) == [
        ("dbapi", "sqlite3", "WRITE", "INSERT", False, False),
        ("dbapi", "sqlite3", "WRITE", "INSERT", False, True),
        ("dbapi", "psycopg2", "READ", "SELECT", False, False),
        ("dbapi", "psycopg2", "NONE", None, False, False),  # unseen SQL: no evidence
        ("dbapi", "sqlite3", "NONE", "CREATE", False, False),  # DDL changes no rows
        ("sqlalchemy", "sqlalchemy", "WRITE", "INSERT", False, True),
        ("sqlalchemy", "sqlalchemy", "WRITE", "UPDATE", False, False),
        ("django", "django", "READ", None, True, False),
        ("django", "django", "READ", None, False, False),
        None,
        ("sqlalchemy", "sqlalchemy", "WRITE", None, False, True),
        ("dbapi", "", "READ", "SELECT", False, False),  # shadowed: literal SQL still speaks
    ]
