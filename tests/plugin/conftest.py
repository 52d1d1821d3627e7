"""The plugin is tested black-box: real pytest runs through ``pytester``, real drivers."""

from __future__ import annotations

import json

# Inner in-process runs drop every module they imported; importing the heavy ones here
# keeps them loaded across runs, and other plugins' summaries stay out of inner runs.
import httpx  # noqa: F401
import pytest
import requests  # noqa: F401
import sqlalchemy.orm  # noqa: F401
from support.servers import ServerUnavailable, postgres_dsn, redis_server

import throughlint.engine  # noqa: F401
from throughlint.pytest_plugin import budgets, fixture, measurement, reporting  # noqa: F401
from throughlint.rules import all_rules

all_rules()

__all__ = ["postgres_dsn"]

_INNER_OPTIONS = "-p no:hypothesispytest -p no:anyio -p no:randomly"


@pytest.fixture(autouse=True)
def _lean_inner_runs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester")  # it clears PYTEST_ADDOPTS when it starts
        monkeypatch.setenv("PYTEST_ADDOPTS", _INNER_OPTIONS)


SQLITE_SCHEMA = """
import sqlite3


def bookshop(path=":memory:", books=30):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER)")
    conn.executemany("INSERT INTO author VALUES (?, ?)", [(i, f"a{i}") for i in range(books)])
    conn.executemany(
        "INSERT INTO book VALUES (?, ?, ?)", [(i, f"b{i}", i) for i in range(books)]
    )
    return conn


def titles_with_authors(conn):
    rows = conn.execute("SELECT id, title, author_id FROM book").fetchall()
    for _, title, author_id in rows:
        conn.execute("SELECT name FROM author WHERE id = ?", (author_id,)).fetchone()


def names(conn, ids):
    for author_id in ids:
        conn.execute("SELECT name FROM author WHERE id = ?", (author_id,))


def name_of(conn, author_id):
    return conn.execute("SELECT name FROM author WHERE id = ?", (author_id,)).fetchone()
"""


@pytest.fixture
def bookshop(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir with ``shop.py``: ``bookshop()`` builds a sqlite db of 30 books;
    ``titles_with_authors(conn)`` and ``names(conn, ids)`` are N+1s in code under test,
    ``name_of(conn, id)`` one query."""
    pytester.makepyfile(shop=SQLITE_SCHEMA)
    pytester.syspathinsert()
    return pytester


class JsonReport:
    """Reads a ``--throughput-json`` report written by an inner run."""

    def __init__(self, path) -> None:
        self.path = path
        self.option = f"--throughput-json={path}"

    def read(self) -> dict:
        with open(self.path, encoding="utf-8") as handle:
            return json.load(handle)

    def test(self, name: str) -> dict:
        (found,) = [t for t in self.read()["tests"] if t["nodeid"].endswith(f"::{name}")]
        return found


@pytest.fixture
def report(pytester: pytest.Pytester) -> JsonReport:
    return JsonReport(pytester.path / "throughput.json")


@pytest.fixture(scope="session")
def redis_port():
    """A real redis-server on a free port (``tests/support/servers.py``), no persistence;
    skipped where there is none."""
    pytest.importorskip("redis")
    try:
        with redis_server() as url:
            yield int(url.rsplit(":", 1)[1].split("/")[0])
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
