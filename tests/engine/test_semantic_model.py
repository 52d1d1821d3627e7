"""The semantic model answers name, scope and loop questions the way Python would."""

from __future__ import annotations

import ast
import textwrap

import pytest

from throughlint.checker import Checker
from throughlint.rules.base import Rule
from throughlint.settings import Settings
from throughlint.source import SourceFile

PROBE = Rule(code="TL998", name="probe", summary="records what the model says")


def observe(code: str, module: str = "app.jobs"):
    """Resolve every ``probe(expr)`` call's argument at its place in the walk."""
    seen: list[tuple[int, str | None, str | None]] = []

    def record(checker, node):
        if isinstance(node.func, ast.Name) and node.func.id == "probe":
            loop = checker.semantic.hot_loop()
            seen.append(
                (
                    node.lineno,
                    checker.semantic.resolve(node.args[0]),
                    loop.kind.value if loop else None,
                )
            )

    text = textwrap.dedent(code)
    checker = Checker(
        SourceFile("x.py", text),
        ast.parse(text),
        Settings(),
        {ast.Call: ((PROBE, record),)},
        module,
    )
    checker.run()
    return sorted(seen)


def resolved(code: str, module: str = "app.jobs") -> list[str | None]:
    return [name for _, name, _ in observe(code, module)]


def test_import_aliases_resolve_to_qualified_names():
    assert resolved(
        """
        import queue as q
        from asyncio import Queue
        from concurrent import futures
        import multiprocessing.pool
        probe(q.Queue)
        probe(Queue)
        probe(futures.ThreadPoolExecutor)
        probe(multiprocessing.pool.ThreadPool)
        """
    ) == [
        "queue.Queue",
        "asyncio.Queue",
        "concurrent.futures.ThreadPoolExecutor",
        "multiprocessing.pool.ThreadPool",
    ]


def test_call_results_and_assignments_carry_their_origin():
    assert resolved(
        """
        import sqlite3
        conn = sqlite3.connect("db")
        cur = conn.cursor()
        probe(cur.execute)
        probe(sqlite3.connect("x").execute)
        """
    ) == ["sqlite3.connect().cursor().execute", "sqlite3.connect().execute"]


def test_multiprocessing_context_is_the_module_api():
    assert resolved(
        """
        import multiprocessing as mp
        ctx = mp.get_context("spawn")
        probe(ctx.Queue)
        probe(mp.get_context("fork").Pool)
        """
    ) == ["multiprocessing.Queue", "multiprocessing.Pool"]


def test_function_bodies_see_module_bindings_defined_after_them():
    assert resolved(
        """
        def worker():
            probe(lock)

        import threading
        lock = threading.Lock()
        """
    ) == ["threading.Lock()"]


def test_local_binding_shadows_module_import():
    assert resolved(
        """
        import queue

        def build(queue):
            probe(queue.Queue)

        probe(queue.Queue)
        """
    ) == [None, "queue.Queue"]


def test_class_scope_is_not_visible_from_methods():
    assert resolved(
        """
        import threading
        lock = threading.Lock()

        class Worker:
            lock = None

            def run(self):
                probe(lock)
        """
    ) == ["threading.Lock()"]


def test_self_attributes_resolve_through_init_and_class_attributes():
    assert resolved(
        """
        import threading, queue

        class Worker:
            shared = threading.RLock()

            def __init__(self):
                self._lock = None
                self._lock = threading.Lock()
                self.jobs = queue.Queue(10)

            def run(self):
                probe(self._lock)
                probe(self.shared)
                probe(self.jobs.get)
        """
    ) == ["threading.Lock()", "threading.RLock()", "queue.Queue().get"]


def test_parameter_annotations_describe_instances():
    assert resolved(
        """
        from typing import Optional
        import sqlite3, threading

        def save(conn: sqlite3.Connection, lock: Optional[threading.Lock], q: "queue.Queue | None"):
            probe(conn.execute)
            probe(lock)
        """
    ) == ["sqlite3.Connection().execute", "threading.Lock()"]


def test_relative_imports_resolve_against_the_module():
    assert resolved(
        """
        from .models import Book
        from ..core import db
        probe(Book.objects)
        probe(db.session)
        """,
        module="shop.views.books",
    ) == ["shop.views.models.Book.objects", "shop.core.db.session"]


def test_local_definitions_are_qualified_by_module():
    assert resolved(
        """
        def helper():
            pass

        class Repo:
            def load(self):
                pass

        probe(helper)
        probe(Repo().load)
        """,
        module="app.jobs",
    ) == ["app.jobs.helper", "app.jobs.Repo().load"]


def test_loop_variables_are_items_of_their_iterable():
    assert resolved(
        """
        from shop.models import Book
        for book in Book.objects.all():
            probe(book.author)
        """
    ) == ["shop.models.Book.objects.all()[].author"]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("for x in items:\n    probe(x)", "for"),
        ("async def f():\n    async for x in items:\n        probe(x)", "async for"),
        ("[probe(x) for x in items]", "comprehension"),
        ("{x: probe(x) for x in items}", "comprehension"),
        ("for x in (1, 2):\n    probe(x)", None),
        ("for x in range(3):\n    probe(x)", None),
        ("for x in range(100):\n    probe(x)", "for"),
        ("for x in enumerate(['a', 'b']):\n    probe(x)", None),
        ("while True:\n    probe(x)", None),
        ("for x in items:\n    def inner():\n        probe(x)", None),
        ("for x in items:\n    f = lambda: probe(x)", None),
        ("for x in items:\n    pass\nelse:\n    probe(x)", None),
        ("for x in items:\n    for k in ('a', 'b'):\n        probe(k)", "for"),
    ],
)
def test_hot_loop_context(code, kind):
    [(_, _, found)] = observe(code)
    assert found == kind


def test_comprehension_target_shadows_outer_name():
    assert resolved(
        """
        import queue
        queues = [probe(queue) for queue in items]
        probe(queue)
        """
    ) == [None, "queue"]


def test_with_targets_hold_their_context_value():
    assert resolved(
        """
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor() as pool:
            probe(pool.submit)
        """
    ) == ["concurrent.futures.ThreadPoolExecutor().submit"]


def test_within_with_sees_enclosing_context_in_the_same_function():
    found = []

    def record(checker, node):
        if isinstance(node.func, ast.Name) and node.func.id == "probe":
            found.append(checker.semantic.within_with({"redis.Redis().pipeline"}) is not None)

    text = textwrap.dedent(
        """
        import redis
        r = redis.Redis()
        with r.pipeline() as pipe:
            probe(1)
            def later():
                probe(2)
        probe(3)
        """
    )
    Checker(
        SourceFile("x.py", text), ast.parse(text), Settings(), {ast.Call: ((PROBE, record),)}
    ).run()
    assert found == [True, False, False]
