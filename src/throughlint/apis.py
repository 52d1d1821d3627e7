"""Knowledge of libraries as data: qualified names of the APIs the rules look for.

Names are canonical (see ``semantic.qualnames``); a call result is spelt ``name()``.
Settings add in-house names to these sets (``connection-factories`` and friends).
"""

from __future__ import annotations

# packages of queues, pools and processes a project module may re-export
# (``app/_compat.py``: ``import queue``; ``from concurrent.futures import ThreadPoolExecutor``)
_CONCURRENCY_ROOTS = frozenset({"queue", "multiprocessing", "concurrent", "gevent"})


def concurrency_library(name: str) -> bool:
    """``name`` (a dotted name) is in a package of queues, pools or processes."""
    return name.split(".", 1)[0] in _CONCURRENCY_ROOTS


EXECUTORS: frozenset[str] = frozenset(
    {
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.ProcessPoolExecutor",
        "multiprocessing.Pool",
        "multiprocessing.pool.ThreadPool",
    }
)

HTTP_SESSIONS: frozenset[str] = frozenset(
    {
        "requests.Session",
        "httpx.Client",
        "httpx.AsyncClient",
        "aiohttp.ClientSession",
        "urllib3.PoolManager",
    }
)

DB_CONNECTION_FACTORIES: frozenset[str] = frozenset(
    {
        "sqlite3.connect",
        "psycopg2.connect",
        "psycopg.connect",
        "psycopg.Connection.connect",
        "psycopg.AsyncConnection.connect",
        "pymysql.connect",
        "MySQLdb.connect",
        "mysql.connector.connect",
        "asyncpg.connect",
        "asyncpg.create_pool",
        "aiosqlite.connect",
        "sqlalchemy.create_engine",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "pymongo.MongoClient",
        "motor.motor_asyncio.AsyncIOMotorClient",
    }
)

# methods that register Python code a database connection runs per statement or row
# (SQL functions, aggregates, authorizers, trace callbacks, Django's ``execute_wrapper``)
STATEMENT_HOOK_REGISTRATIONS: frozenset[str] = frozenset(
    {"create_function", "create_aggregate", "create_window_function", "create_collation",
     "set_authorizer", "set_progress_handler", "set_trace_callback", "add_notice_handler",
     "execute_wrapper"}
)  # fmt: skip

# of those, the ones that see each ``execute`` as a call of their own, which an
# ``executemany`` in its place changes (Django's wrapper gets one call with ``many=True``);
# a SQL function, a trace callback or an authorizer sees the same rows either way
STATEMENT_WRAPPER_REGISTRATIONS: frozenset[str] = frozenset({"execute_wrapper"})

# the last part of a base class's name that makes a class a DB-API connection or cursor
# (``sqlite3.Connection``, ``psycopg2.extensions.cursor``, Django's ``CursorWrapper``):
# one that defines ``execute`` or ``executemany`` intercepts the statements run through it
_CONNECTION_BASE_ENDINGS = ("Connection", "connection", "Cursor", "cursor", "CursorWrapper")
STATEMENT_METHODS = frozenset({"execute", "executemany"})


def connection_or_cursor_base(base: str) -> bool:
    """``base`` (a dotted name) names a connection or cursor class by its last part."""
    return base.rpartition(".")[2].endswith(_CONNECTION_BASE_ENDINGS)


REMOTE_CLIENT_FACTORIES: frozenset[str] = frozenset(
    {
        "redis.Redis",
        "redis.from_url",
        "redis.ConnectionPool",
        "redis.asyncio.Redis",
        "redis.asyncio.from_url",
        "boto3.client",
        "boto3.resource",
        "elasticsearch.Elasticsearch",
        "opensearchpy.OpenSearch",
    }
)

CPU_COUNT_CALLS: frozenset[str] = frozenset(
    {
        "os.cpu_count()",
        "os.process_cpu_count()",
        "multiprocessing.cpu_count()",
        "psutil.cpu_count()",
    }
)

# how a Django relation field loads, when not the plain lookup by key: declared without a
# database constraint (``db_constraint=False``), its rows may point at a missing row
UNCONSTRAINED = "unconstrained"
