"""Async database APIs: asyncpg's ``fetch`` / ``fetchrow`` / ``fetchval`` and
encode/databases' ``fetch_one`` / ``fetch_all`` / ``fetch_val`` run a statement for its
rows (on such a pool, connection or database whatever the SQL, elsewhere only when the
SQL is a literal read), ``execute_many`` is one batch, and Django's async ORM
(``aget``, ``acount``, ``acreate``, ``asave``...) is the sync method it wraps. Near
misses: one statement for all items, a ``fetch`` that is no statement (rq's
``Job.fetch(job_id)``), a user's own class with a ``fetchrow`` method, and a user's own
``asave``. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    SHOP_MODELS,
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

ASYNCPG = """\
import asyncpg

from app.jobs import Job


async def each_typed(pool: asyncpg.Pool, ids, query):
    for i in ids:
        await pool.fetchrow(query, i)


async def each_acquired(dsn, ids):
    pool = await asyncpg.create_pool(dsn)
    async with pool.acquire() as conn:
        for i in ids:
            await conn.fetchval("SELECT count(*) FROM t WHERE id = $1", i)


async def each_literal(conn, ids):
    for i in ids:
        await conn.fetch("SELECT * FROM t WHERE owner = $1", i)


async def all_at_once(pool: asyncpg.Pool, ids):
    rows = await pool.fetch("SELECT * FROM t WHERE id = ANY($1)", ids)
    return {row["id"]: row for row in rows}


async def each_job(ids):
    for i in ids:
        await Job.fetch(i)


async def each_own(store, ids):
    cache = RowCache()
    for i in ids:
        cache.fetchrow(i)


class RowCache:
    def __init__(self):
        self.rows = {}

    def fetchrow(self, key):
        return self.rows.get(key)
"""

JOBS = """\
class Job:
    @classmethod
    async def fetch(cls, job_id):
        return cls()
"""

DJANGO = """\
from shop.models import Order


async def each_get(ids):
    for i in ids:
        order = await Order.objects.aget(pk=i)
        print(order)


async def each_count(ids):
    return [await Order.objects.filter(customer_id=i).acount() for i in ids]


async def each_save(ids):
    for i in ids:
        order = await Order.objects.aget(pk=i)
        order.total = 0
        await order.asave()


async def all_at_once(ids):
    return [order async for order in Order.objects.filter(pk__in=ids)]


async def each_bulk(batches):
    for batch in batches:
        await Order.objects.abulk_create(batch)


class Draft:
    async def asave(self):
        return None


async def each_own(drafts: list[Draft]):
    for draft in drafts:
        await draft.asave()
"""


DATABASES = """\
import sqlalchemy
from databases import Database

database = Database("postgresql://localhost/app")
notes = sqlalchemy.Table(
    "notes", sqlalchemy.MetaData(), sqlalchemy.Column("id", sqlalchemy.Integer)
)


async def each_note(ids):
    for i in ids:
        await database.fetch_one(query=notes.select().where(notes.c.id == i))


async def each_insert(rows):
    for row in rows:
        await database.execute("INSERT INTO notes (id) VALUES (:id)", row)


async def all_inserts(rows):
    await database.execute_many("INSERT INTO notes (id) VALUES (:id)", rows)


async def all_notes(ids):
    return await database.fetch_all(query=notes.select().where(notes.c.id.in_(ids)))
"""


def test_encode_databases(tmp_path):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/db.py": DATABASES})
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    found = findings_by_function(report, DATABASES, "db.py")
    assert "`database.fetch_one()` runs a query" in found["each_note"]["message"]
    assert found["each_insert"]["code"] == "TL102"
    assert set(found) == {"each_note", "each_insert"}


def test_asyncpg_fetches(tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/jobs.py": JOBS, "app/db.py": ASYNCPG}
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    found = findings_by_function(report, ASYNCPG, "db.py")
    assert "`pool.fetchrow()` runs a query" in found["each_typed"]["message"]
    assert "`conn.fetchval()` runs a query" in found["each_acquired"]["message"]
    assert "`conn.fetch()` runs a query" in found["each_literal"]["message"]
    assert set(found) == {"each_typed", "each_acquired", "each_literal"}


def test_django_async_orm(tmp_path):
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": SHOP_MODELS,
            "shop/views.py": DJANGO,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    found = findings_by_function(report, DJANGO, "views.py")
    assert "`Order.objects.aget()` runs a query" in found["each_get"]["message"]
    assert "`Order.objects.filter().acount()` runs a query" in found["each_count"]["message"]
    assert found["each_save"]["code"] == "TL102"  # a query and a write per id
    assert "1 write and 1 query per item" in found["each_save"]["message"]
    assert set(found) == {"each_get", "each_count", "each_save"}
