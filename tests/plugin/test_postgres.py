"""psycopg2 and psycopg 3 against a real PostgreSQL (``tests/support/servers.py``), through
real pytest runs: every statement counted once, the N+1 found at the repeating frame,
SQLAlchemy on top of either driver not counted twice."""

from __future__ import annotations

import pytest

pytest.importorskip("psycopg2")
pytest.importorskip("psycopg")

DRIVERS = ("psycopg2", "psycopg")

SHOP = """
def titles_with_authors(conn):
    cur = conn.cursor()
    cur.execute("SELECT id, title, author_id FROM book")
    for _, title, author_id in cur.fetchall():
        cur.execute("SELECT name FROM author WHERE id = %s", (author_id,))
        cur.fetchone()


def titles_joined(conn):
    cur = conn.cursor()
    cur.execute(
        "SELECT book.title, author.name FROM book JOIN author ON author.id = book.author_id"
    )
    return cur.fetchall()


def add_books(conn, rows):
    conn.cursor().executemany("INSERT INTO book (title, author_id) VALUES (%s, %s)", rows)
"""

CONFTEST = """
import importlib
import os
import uuid

import pytest

DRIVER = importlib.import_module(os.environ["TL_PG_DRIVER"])


def connect():
    return DRIVER.connect(os.environ["TL_PG_DSN"])


@pytest.fixture
def conn():
    # opened in a fixture, before the measured block: it must count all the same
    conn = connect()
    schema = "s" + uuid.uuid4().hex
    cur = conn.cursor()
    cur.execute(
        f"CREATE SCHEMA {schema}; SET search_path TO {schema};"
        " CREATE TABLE author (id serial PRIMARY KEY, name text);"
        " CREATE TABLE book (id serial PRIMARY KEY, title text, author_id int);"
        " INSERT INTO author (name) SELECT 'a' || i FROM generate_series(1, 30) i;"
        " INSERT INTO book (title, author_id) SELECT 'b' || i, i FROM generate_series(1, 30) i;"
    )
    conn.commit()
    yield conn
    conn.rollback()
    conn.cursor().execute(f"DROP SCHEMA {schema} CASCADE")
    conn.commit()
    conn.close()
"""

TESTS = """
import pytest
from shop import add_books, titles_joined, titles_with_authors


@pytest.mark.throughput(max_queries=10)
def test_n_plus_one(conn):
    titles_with_authors(conn)


@pytest.mark.throughput(max_queries=10)
def test_joined(conn):
    assert len(titles_joined(conn)) == 30


@pytest.mark.throughput
def test_executemany(conn):
    add_books(conn, [(f"new{i}", 1) for i in range(5)])
"""


@pytest.fixture
def postgres_shop(pytester: pytest.Pytester, postgres_dsn, monkeypatch, driver):
    """A pytester dir with ``shop.py`` (an N+1, its join, an ``executemany``) and a
    ``conn`` fixture: a ``driver`` connection to 30 books in a schema of its own."""
    monkeypatch.setenv("TL_PG_DSN", postgres_dsn)
    monkeypatch.setenv("TL_PG_DRIVER", driver)
    pytester.makepyfile(shop=SHOP)
    pytester.makeconftest(CONFTEST)
    pytester.syspathinsert()
    return pytester


@pytest.mark.parametrize("driver", DRIVERS)
def test_statements_and_n_plus_one_on_a_connection_opened_in_a_fixture(
    postgres_shop, report, driver
):
    postgres_shop.makepyfile(test_shop=TESTS)
    result = postgres_shop.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_n_plus_one *_",
            "throughput budget missed (2):",
            "  queries: 31 measured, budget 10 (+21, 3.1x the budget)",
            "  TL101 runtime N+1: 30 x `SELECT name FROM author WHERE id = ?` (threshold 10)"
            " at shop.py:5 in titles_with_authors; chain: test_shop.py:7 in test_n_plus_one"
            " > shop.py:5 in titles_with_authors; static TL101 flags the same call site*",
        ]
    )
    (finding,) = report.test("test_n_plus_one")["n_plus_one"]
    assert (finding["path"], finding["line"], finding["count"]) == ("shop.py", 5, 30)
    joined = report.test("test_joined")
    assert (joined["queries"], joined["n_plus_one"]) == (1, [])
    # psycopg2 loops over the rows, one round trip each; psycopg 3 pipelines them
    rows = report.test("test_executemany")["queries"]
    assert rows == {"psycopg2": 5, "psycopg": 1}[driver]


LAYERS = """
import asyncio
import os

import psycopg
import psycopg2
import pytest
import sqlalchemy
from psycopg2.extras import DictConnection, RealDictCursor

from conftest import connect


def dsn_url(dialect):
    parts = dict(part.split("=", 1) for part in os.environ["TL_PG_DSN"].split())
    return (
        f"postgresql+{dialect}://{parts['user']}@/{parts['dbname']}"
        f"?host={parts['host']}&port={parts['port']}"
    )


@pytest.fixture
def engine():
    engine = sqlalchemy.create_engine(dsn_url(os.environ["TL_PG_DRIVER"]))
    with engine.connect() as warm:  # the dialect's first-connect queries, not measured
        warm.execute(sqlalchemy.text("SELECT 1"))
    yield engine
    engine.dispose()


@pytest.mark.throughput
def test_sqlalchemy_on_top(engine):
    with engine.connect() as conn:
        for i in range(3):
            conn.execute(sqlalchemy.text("SELECT :i"), {"i": i})


@pytest.mark.throughput
def test_other_cursor_classes():
    dsn = os.environ["TL_PG_DSN"]
    plain = psycopg2.connect(dsn)
    plain.cursor(cursor_factory=RealDictCursor).execute("SELECT 1 AS one")
    with_default = psycopg2.connect(dsn, cursor_factory=RealDictCursor)
    cur = with_default.cursor()
    cur.execute("SELECT 2 AS two")
    assert cur.fetchone() == {"two": 2}
    dict_rows = psycopg2.connect(dsn, connection_factory=DictConnection)
    cur = dict_rows.cursor()
    cur.execute("SELECT 3 AS three")
    assert cur.fetchone()["three"] == 3
    modern = psycopg.connect(dsn)
    modern.execute("SELECT 4")
    with modern.cursor(name="server_side") as named:
        named.execute("SELECT 5")
        named.fetchall()
    for conn in (plain, with_default, dict_rows, modern):
        conn.close()


@pytest.mark.throughput
def test_psycopg_async():
    async def main():
        async with await psycopg.AsyncConnection.connect(os.environ["TL_PG_DSN"]) as conn:
            async with conn.cursor() as cur:
                for i in range(12):
                    await cur.execute("SELECT %s::int", (i,))
                await cur.executemany("SELECT %s::int", [(1,), (2,)])

    asyncio.run(main())
"""


@pytest.mark.parametrize("driver", DRIVERS)
def test_sqlalchemy_cursor_classes_and_async_counted_once(postgres_shop, report, driver):
    postgres_shop.makepyfile(test_layers=LAYERS)
    result = postgres_shop.runpytest("-p", "no:cacheprovider", report.option)
    result.assert_outcomes(passed=3)
    assert report.test("test_sqlalchemy_on_top")["queries"] == 3
    # psycopg2: RealDictCursor twice, DictConnection's DictCursor; psycopg: conn.execute()
    # and a server-side cursor
    assert report.test("test_other_cursor_classes")["queries"] == 5
    # twelve executes and one pipelined executemany
    assert report.test("test_psycopg_async")["queries"] == 13


DJANGO_CONFTEST = """
import os

import django
import pytest
from django.conf import settings

parts = dict(part.split("=", 1) for part in os.environ["TL_PG_DSN"].split())
settings.configure(
    INSTALLED_APPS=[],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts["dbname"],
            "USER": parts["user"],
            "HOST": parts["host"],
            "PORT": parts["port"],
        }
    },
)
django.setup()
import django.db.backends.postgresql.base  # noqa: E402,F401 - the driver, before collection ends


@pytest.fixture
def warm():
    from django.db import connection

    connection.ensure_connection()  # the backend's set-up statements, not measured
"""

DJANGO_TESTS = """
import pytest
from django.db import connection


@pytest.mark.throughput
def test_django_on_postgres(warm):
    # the driver's own counting is under Django's: each statement reaches both
    assert type(connection.connection.cursor()).__name__.startswith("Counting")
    with connection.cursor() as cur:
        for i in range(4):
            cur.execute("SELECT %s", [i])
"""


@pytest.mark.parametrize("driver", DRIVERS)
def test_django_on_postgres_counted_once(pytester, postgres_dsn, monkeypatch, report, driver):
    # a subprocess: settings.configure() is once per process. Django picks psycopg 3 when
    # it is importable, so psycopg2 is hidden from it by making psycopg unimportable.
    monkeypatch.setenv("TL_PG_DSN", postgres_dsn)
    pytester.makeconftest(
        ("import sys\nsys.modules['psycopg'] = None\n" if driver == "psycopg2" else "")
        + DJANGO_CONFTEST
    )
    pytester.makepyfile(test_django_pg=DJANGO_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", report.option)
    result.assert_outcomes(passed=1)
    assert report.test("test_django_on_postgres")["queries"] == 4


ASYNCPG_SHOP = """
async def names(conn, ids):
    for author_id in ids:
        await conn.fetchrow("SELECT name FROM author WHERE id = $1", author_id)
"""

ASYNCPG_TESTS = """
import asyncio
import os

import asyncpg
import pytest
import sqlalchemy
from sqlalchemy.ext.asyncio import create_async_engine

from async_shop import names

PARTS = dict(part.split("=", 1) for part in os.environ["TL_PG_DSN"].split())
ARGS = {"host": PARTS["host"], "port": int(PARTS["port"]), "user": PARTS["user"]}


@pytest.mark.throughput(max_queries=10)
def test_asyncpg_n_plus_one():
    async def main():
        conn = await asyncpg.connect(**ARGS)
        try:
            await conn.execute("CREATE TEMP TABLE author (id int PRIMARY KEY, name text)")
            await conn.executemany(
                "INSERT INTO author VALUES ($1, $2)", [(i, f"a{i}") for i in range(30)]
            )
            assert await conn.fetchval("SELECT count(*) FROM author") == 30
            await names(conn, range(30))
        finally:
            await conn.close()

    asyncio.run(main())


def test_asyncpg_pool(throughput):
    async def main():
        async with asyncpg.create_pool(**ARGS, min_size=1, max_size=1) as pool:
            with throughput.measure() as block:
                async with pool.acquire() as conn:
                    await conn.fetch("SELECT 1")
                    await conn.fetchrow("SELECT 2")
        return block

    block = asyncio.run(main())
    # the pool resets the connection on release: one more round trip
    assert sorted((s.shape, s.count) for s in block.statements.values()) == [
        ("SELECT ?", 2),
        ("SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL", 1),
    ]


def test_sqlalchemy_asyncpg(throughput):
    async def main():
        engine = create_async_engine(
            f"postgresql+asyncpg://{ARGS['user']}@/postgres",
            connect_args={"host": ARGS["host"], "port": ARGS["port"]},
        )
        async with engine.connect() as conn:  # first connect: the dialect's set-up
            await conn.execute(sqlalchemy.text("SELECT 1"))
        with throughput.measure() as block:
            async with engine.connect() as conn:
                for i in range(3):
                    await conn.execute(sqlalchemy.text("SELECT CAST(:i AS int)"), {"i": i})
        await engine.dispose()
        return block

    block = asyncio.run(main())
    # SQLAlchemy counts its three statements; asyncpg's own BEGIN and ROLLBACK for
    # SQLAlchemy's transaction are round trips its events do not see
    assert sorted((s.shape, s.count) for s in block.statements.values()) == [
        ("BEGIN", 1),
        ("ROLLBACK", 1),
        ("SELECT CAST(? AS int)", 3),
    ]
"""


def test_asyncpg_through_connection_class(pytester, postgres_dsn, monkeypatch, report):
    pytest.importorskip("asyncpg")
    monkeypatch.setenv("TL_PG_DSN", postgres_dsn)
    pytester.makepyfile(async_shop=ASYNCPG_SHOP, test_asyncpg=ASYNCPG_TESTS)
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(
        [
            "  queries: 33 measured, budget 10 (+23, 3.3x the budget)",
            "  TL101 runtime N+1: 30 x `SELECT name FROM author WHERE id = ?` (threshold 10)"
            " at async_shop.py:3 in names; chain: test_asyncpg.py:* in test_asyncpg_n_plus_one"
            " > test_asyncpg.py:* in test_asyncpg_n_plus_one.main > async_shop.py:3 in names;*",
        ]
    )
    assert report.test("test_asyncpg_pool")["verdict"] == "-"


UNMARKED = """
from shop import titles_joined, titles_with_authors


def test_n_plus_one(conn):
    titles_with_authors(conn)


def test_joined(conn):
    titles_joined(conn)
"""


@pytest.mark.parametrize("driver", DRIVERS)
def test_detect_finds_the_site_on_unmarked_tests(postgres_shop, report, driver):
    postgres_shop.makepyfile(test_unmarked=UNMARKED)
    result = postgres_shop.runpytest("-p", "no:cacheprovider", "--throughput-detect", report.option)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "2 test(s) measured only by --throughput-detect: 32 round trips *",
            "NEW TL101 shop.py:5 in titles_with_authors: 30 x "
            "`SELECT name FROM author WHERE id = ?`",
            "  chain: test_unmarked.py:5 in test_n_plus_one > shop.py:5 in titles_with_authors",
        ]
    )
    sites = report.read()["n_plus_one_sites"]
    assert [(s["path"], s["line"], s["worst_count"]) for s in sites] == [("shop.py", 5, 30)]


MODULE_LEVEL = """
import pytest

from conftest import connect

# opened at import time, before collection ended: not counted unless watched
CONN = connect()


@pytest.mark.throughput(max_queries=5)
def test_unwatched():
    CONN.cursor().execute("SELECT 1")


@pytest.mark.throughput(max_queries=5)
def test_watched(throughput):
    conn = throughput.watch(CONN)
    for i in range(3):
        conn.cursor().execute("SELECT %s", (i,))
"""


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_connection_opened_at_import_warns_and_watch_counts_it(
    pytester, postgres_dsn, monkeypatch, report, driver
):
    # a subprocess, where the driver is first imported by the test module itself
    monkeypatch.setenv("TL_PG_DSN", postgres_dsn)
    monkeypatch.setenv("TL_PG_DRIVER", driver)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_module_level=MODULE_LEVEL)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", report.option)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_unwatched: a query budget (*) measured 0 statements*"])
    assert report.test("test_unwatched")["queries"] == 0
    assert report.test("test_watched")["queries"] == 3


@pytest.mark.parametrize("driver", ["psycopg2"])
def test_xdist_workers_count_their_connections(postgres_shop, report, driver):
    pytest.importorskip("xdist")
    postgres_shop.makepyfile(test_shop=TESTS)
    result = postgres_shop.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", report.option)
    result.assert_outcomes(passed=3)
    assert [report.test(name)["queries"] for name in ("test_n_plus_one", "test_joined")] == [31, 1]
