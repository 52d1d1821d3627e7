"""Each statement counts once whatever layer opened the connection (defect 2): aiosqlite,
SQLAlchemy's async engine over aiosqlite, SQLAlchemy sync and Django over sqlite3."""

from __future__ import annotations

import pytest

pytest.importorskip("aiosqlite")
pytest.importorskip("greenlet")


def test_aiosqlite_statements_count_once(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_aio="""
        import asyncio
        import aiosqlite

        async def three(db):
            await db.execute("CREATE TABLE t (id INTEGER)")
            await db.execute("INSERT INTO t VALUES (1)")
            cursor = await db.execute("SELECT id FROM t")
            return await cursor.fetchall()

        def test_aiosqlite(throughput):
            async def main():
                async with aiosqlite.connect(":memory:") as db:
                    with throughput.measure() as block:
                        assert await three(db) == [(1,)]
                return block

            block = asyncio.run(main())
            assert block.queries == 3, block.statements
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_sqlalchemy_async_engine_over_aiosqlite_counts_once(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_aio_sqlalchemy="""
        import asyncio
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        def test_async_engine(throughput):
            async def main():
                engine = create_async_engine("sqlite+aiosqlite://")
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))  # connect and first-use work
                    with throughput.measure() as block:
                        await conn.execute(text("CREATE TABLE t (id INTEGER)"))
                        await conn.execute(text("INSERT INTO t VALUES (1)"))
                        rows = (await conn.execute(text("SELECT id FROM t"))).all()
                await engine.dispose()
                return block, rows

            block, rows = asyncio.run(main())
            assert rows == [(1,)]
            assert block.queries == 3, block.statements

        def test_async_engine_opened_in_the_block(throughput):
            async def main():
                with throughput.measure() as block:
                    engine = create_async_engine("sqlite+aiosqlite://")
                    async with engine.begin() as conn:
                        await conn.execute(text("CREATE TABLE t (id INTEGER)"))
                        await conn.execute(text("INSERT INTO t VALUES (1)"))
                        await conn.execute(text("SELECT id FROM t"))
                    await engine.dispose()
                return block

            block = asyncio.run(main())
            shapes = {shape: stats.count for shape, stats in block.statements.items()}
            for shape in ("CREATE TABLE t (id INTEGER)", "INSERT INTO t VALUES (?)"):
                assert shapes[shape] == 1, shapes
            assert shapes["SELECT id FROM t"] == 1, shapes

        def test_sync_engine(throughput):
            from sqlalchemy import create_engine

            engine = create_engine("sqlite://")
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                with throughput.measure() as block:
                    conn.execute(text("CREATE TABLE t (id INTEGER)"))
                    conn.execute(text("INSERT INTO t VALUES (1)"))
                    conn.execute(text("SELECT id FROM t")).all()
            assert block.queries == 3, block.statements
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_django_statements_count_once(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_django_once="""
        import django
        from django.conf import settings

        settings.configure(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
        )
        django.setup()

        def test_django(throughput):
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")  # the connection is opened before the block
            with throughput.measure() as block:
                with connection.cursor() as cursor:
                    cursor.execute("CREATE TABLE t (id INTEGER)")
                    cursor.execute("INSERT INTO t VALUES (%s)", [1])
                    cursor.execute("SELECT id FROM t")
                    assert cursor.fetchall() == [(1,)]
            assert block.queries == 3, block.statements
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_sqlalchemy_async_n_plus_one_is_found_through_the_greenlet(
    pytester: pytest.Pytester, report
):
    """SQLAlchemy's async engine runs the statement in a greenlet: the stack is followed
    back to the awaiting coroutine, so the loop in project code is the site."""
    pytester.makepyfile(
        store="""
        from sqlalchemy import text


        async def names(conn, ids):
            out = []
            for i in ids:
                out.append((await conn.execute(text("SELECT :i AS n"), {"i": i})).scalar())
            return out
        """,
        test_store="""
        import asyncio
        from sqlalchemy.ext.asyncio import create_async_engine
        from store import names

        def test_names():
            async def main():
                engine = create_async_engine("sqlite+aiosqlite://")
                async with engine.connect() as conn:
                    await names(conn, range(15))
                await engine.dispose()
            asyncio.run(main())
        """,
    )
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-detect", report.option)
    result.assert_outcomes(passed=1)
    (site,) = report.read()["n_plus_one_sites"]
    assert (site["path"], site["line"], site["worst_count"]) == ("store.py", 7, 15)
    assert site["chain"][-1] == "store.py:7 in names"
