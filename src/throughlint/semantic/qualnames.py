"""Canonical spellings: the many import paths of one API resolve to one qualified name."""

from __future__ import annotations

ALIASES: dict[str, str] = {
    # a queryset of some model (an annotation without the model, the admin's
    # ``queryset``): spelt as a manager chain, so its items are rows
    "django.db.models.QuerySet()": "django.db.models.Model.objects.all()",
    "django.db.models.query.QuerySet()": "django.db.models.Model.objects.all()",
    # multiprocessing contexts expose the same API as the module
    "multiprocessing.get_context()": "multiprocessing",
    "multiprocessing.context.get_context()": "multiprocessing",
    "multiprocessing.pool.Pool": "multiprocessing.Pool",
    "multiprocessing.dummy.Pool": "multiprocessing.pool.ThreadPool",
    "multiprocessing.queues.Queue": "multiprocessing.Queue",
    "multiprocessing.queues.JoinableQueue": "multiprocessing.JoinableQueue",
    "multiprocessing.queues.SimpleQueue": "multiprocessing.SimpleQueue",
    "multiprocessing.synchronize.Lock": "multiprocessing.Lock",
    "multiprocessing.synchronize.RLock": "multiprocessing.RLock",
    "multiprocessing.synchronize.Semaphore": "multiprocessing.Semaphore",
    "multiprocessing.synchronize.BoundedSemaphore": "multiprocessing.BoundedSemaphore",
    "multiprocessing.synchronize.Condition": "multiprocessing.Condition",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "asyncio.queues.Queue": "asyncio.Queue",
    "asyncio.queues.LifoQueue": "asyncio.LifoQueue",
    "asyncio.queues.PriorityQueue": "asyncio.PriorityQueue",
    "asyncio.locks.Lock": "asyncio.Lock",
    "asyncio.locks.Semaphore": "asyncio.Semaphore",
    "asyncio.locks.BoundedSemaphore": "asyncio.BoundedSemaphore",
    "asyncio.locks.Condition": "asyncio.Condition",
    "requests.sessions.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.api.get": "requests.get",
    "requests.api.post": "requests.post",
    "psycopg2.extensions.connection": "psycopg2.connect",
    # a connection handed out by a pool is a connection
    "psycopg2.pool.SimpleConnectionPool().getconn": "psycopg2.connect",
    "psycopg2.pool.ThreadedConnectionPool().getconn": "psycopg2.connect",
    "psycopg2.pool.AbstractConnectionPool().getconn": "psycopg2.connect",
    "psycopg_pool.ConnectionPool().getconn": "psycopg.connect",
    "psycopg_pool.ConnectionPool().connection": "psycopg.connect",
    "psycopg_pool.AsyncConnectionPool().getconn": "psycopg.AsyncConnection.connect",
    "psycopg_pool.AsyncConnectionPool().connection": "psycopg.AsyncConnection.connect",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "boto3.session.Session": "boto3.Session",
}


def canonical(name: str) -> str:
    return ALIASES.get(name, name)


# builtins that hold the items of the one iterable they are given, in some order: a loop
# over ``list(qs)`` or ``sorted(qs, key=...)`` gets the query's rows
MATERIALIZERS = frozenset(
    {"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.reversed"}
)
