"""A method bound again under another name in its class body (``_append = append``, as
diskcache's ``Deque`` does so that ``extend`` keeps working when a subclass overrides
``append``): ``self._append(value)`` runs that method, so a loop of it runs the method's
database work per item.

Run through the real CLI (``--show-all``: what is found, not what is shown).
"""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

STORE = """\
import sqlite3


class Cache:
    def __init__(self, path):
        self._con = sqlite3.connect(path)

    def push(self, value):
        self._con.execute("INSERT INTO queue (value) VALUES (?)", (value,))


def append(value):
    print(value)
"""

DEQUES = """\
from store.cache import Cache, append


class Deque:
    def __init__(self, path):
        self._cache = Cache(path)

    def append(self, value):
        self._cache.push(value)

    _append = append

    def extend(self, iterable):
        for value in iterable:
            self._append(value)


class Buffer:
    def __init__(self):
        self._items = []

    def add(self, value):
        self._items.append(value)

    _add = add

    def extend(self, iterable):
        for value in iterable:
            self._add(value)


class Forward:
    _append = append

    def __init__(self, path):
        self._cache = Cache(path)

    def append(self, value):
        self._cache.push(value)

    def extend(self, iterable):
        for value in iterable:
            self._append(value)


class Shadowed:
    def __init__(self, path):
        self._cache = Cache(path)

    def append(self, value):
        self._cache.push(value)

    _append = append

    def __setattr_append(self):
        self._append = print

    def extend(self, iterable):
        for value in iterable:
            self._append(value)
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("aliases"),
        {"store/__init__.py": "", "store/cache.py": STORE, "store/deques.py": DEQUES},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    return findings_by_function(report, DEQUES, "deques.py")


def test_an_alias_of_a_writing_method_writes_per_item(found):
    diagnostic = found.get("Deque")
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"
    assert "self._append()" in diagnostic["message"]


def test_an_alias_of_a_method_that_only_appends_to_a_list_is_clean(found):
    assert "Buffer" not in found, found.get("Buffer")


def test_an_alias_bound_before_the_method_is_the_module_function(found):
    # ``_append = append`` above ``def append``: the class body's ``append`` is still
    # the module's function, which prints
    assert "Forward" not in found, found.get("Forward")


def test_an_alias_a_method_may_rebind_on_the_instance_still_runs_the_class_one(found):
    # ``self._append = print`` in a method binds an instance attribute; the class body's
    # alias is what the loop reads unless that method ran, which the walk cannot tell:
    # the class binding is the one followed, as for any other class attribute
    diagnostic = found.get("Shadowed")
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"
