"""## What it does
Finds synchronous I/O called directly in an `async def`: `time.sleep`, `requests` and
sync `httpx` / `urllib` calls, `subprocess.run` and friends, `os.system`, `input()`,
sync database drivers (`sqlite3`, `psycopg2`, `pymysql` ...), the Django ORM, a sync
SQLAlchemy `Session`, and sync redis / boto3 / Kafka / Elasticsearch clients. Calls are
matched by qualified name (resolved through imports, assignments and annotations), and
database and client calls by the shared effect classification every rule uses. An
awaited call is an async API and never counts; a call inside a nested `def` or
`lambda` (what `run_in_executor` and `to_thread` receive) is not in the coroutine.

Calls made through helper functions are not followed yet: only the direct call is
reported.

## Why it hurts throughput
An event loop runs one callback at a time. A blocking call inside a coroutine stops the
whole loop for its duration: every other request, timer and connection of the process
waits, so one slow call's latency is added to all of them and the server's throughput
drops to one blocking call at a time.

## Example
```python
import requests

async def fetch_price(symbol):
    return requests.get(f"https://prices.example/{symbol}").json()
```

## Use instead
```python
import asyncio

import requests

async def fetch_price(symbol):
    response = await asyncio.to_thread(requests.get, f"https://prices.example/{symbol}")
    return response.json()
```
Better still, use an async client (`httpx.AsyncClient`, `aiohttp`, `asyncpg`, the
Django `a*` ORM methods, `AsyncSession`).

## Fix safety
No fix yet.

## Options
None.

## References
- https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code
- https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread
"""

from __future__ import annotations

import ast

from throughlint.effects.blocking import blocking_call
from throughlint.rules.base import Rule

RULE = Rule(
    code="TL404",
    name="blocking-call-in-async",
    summary="Synchronous I/O called directly in an async function: the event loop stalls",
    triggers=("async",),
    preview=True,
    doc=__doc__ or "",
    bad=(
        """\
import requests

async def fetch_price(symbol):
    return requests.get(f"https://prices.example/{symbol}").json()  # expect: TL404
""",
        """\
import subprocess
import time

async def deploy(host):
    subprocess.run(["ssh", host, "restart"], check=True)  # expect: TL404
    time.sleep(5)  # expect: TL404
""",
        """\
import sqlite3

async def count_orders(path):
    connection = sqlite3.connect(path)  # expect: TL404
    return connection.execute("SELECT count(*) FROM orders").fetchone()  # expect: TL404
""",
        """\
from django.db import models

class Order(models.Model):
    total = models.IntegerField()

async def order_view(request, order_id):
    order = Order.objects.get(id=order_id)  # expect: TL404
    return order.total
""",
    ),
    good=(
        """\
import asyncio

import requests

async def fetch_price(symbol):
    response = await asyncio.to_thread(requests.get, f"https://prices.example/{symbol}")
    return response.json()
""",
        """\
import asyncio

async def pause():
    await asyncio.sleep(5)
""",
        """\
import httpx

async def fetch(url):
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).json()
""",
    ),
    near_miss=(
        """\
import asyncio
import time

async def slow(loop):
    await loop.run_in_executor(None, lambda: time.sleep(1))
""",
        """\
import requests

def fetch_price(symbol):
    return requests.get(f"https://prices.example/{symbol}").json()
""",
        """\
import requests

async def start():
    def worker():
        return requests.get("https://example.com")
    return worker
""",
        """\
class requests:
    @staticmethod
    def get(url):
        return url

async def fetch(url):
    return requests.get(url)
""",
        """\
from django.db import models

class Order(models.Model):
    total = models.IntegerField()

async def order_view(request, order_id):
    order = await Order.objects.aget(id=order_id)
    pending = Order.objects.filter(total__gt=0)
    return order.total, pending
""",
    ),
)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    model = checker.semantic
    if not isinstance(model.function, ast.AsyncFunctionDef):
        return
    found = blocking_call(model, node, checker.settings)
    if found is None or found.asynchronous or _awaited(model.function, node):
        return
    checker.report(
        RULE,
        node,
        f"blocking {found.what} in `async def {model.function.name}`: the event loop, and every "
        "other task on it, stalls until it returns; use an async API or "
        "`await asyncio.to_thread(...)`",
    )


def _awaited(function: ast.AST, call: ast.Call) -> bool:
    """An async API's call: awaited, or handed on as a coroutine (``gather(f(x))``)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Await) and node.value is call:
            return True
        if isinstance(node, (ast.AsyncWith,)) and any(
            item.context_expr is call for item in node.items
        ):
            return True
        if isinstance(node, ast.AsyncFor) and node.iter is call:
            return True
    return False
