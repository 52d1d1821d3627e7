"""## What it does
Finds synchronous I/O called directly in an `async def`: `time.sleep`, `requests` and
sync `httpx` / `urllib` calls, `subprocess.run` and friends, `os.system`, `input()`,
sync database drivers (`sqlite3`, `psycopg2`, `pymysql` ...), the Django ORM, a sync
SQLAlchemy `Session`, and sync redis / boto3 / Kafka / Elasticsearch clients. Calls are
matched by qualified name (resolved through imports, assignments and annotations), and
database and client calls by the shared effect classification every rule uses. An
awaited call is an async API and never counts; a call inside a nested `def` or
`lambda` (what `run_in_executor` and `to_thread` receive) is not in the coroutine.

Calls are followed through the project's own sync helpers, in the same module or
another, imported directly or through a package's re-exports: a call in an `async def`
to a sync function that blocks (itself, or through other sync helpers, up to four calls
deep) is reported at that call, and the message names the chain down to the blocking
call. A helper handed to `asyncio.to_thread`, `run_in_executor` or `sync_to_async` is
passed, not called, and stays clean; an `async def` helper never counts at its caller
(its own blocking call is reported where it is). Blocking socket calls count too, and
file reads and writes (`open().read()`, `Path.read_text()`) made in the coroutine
itself; a helper's file I/O does not make it blocking (mostly a small config or
template load, which the labelled benchmark found harmless). Copying, moving or removing
whole files and trees (`shutil.copytree`, `copyfile`, `move`, `rmtree` ...) and
unpacking archives (`tarfile` / `zipfile` `extractall`) count in helpers too: their cost
is the data's size.

A call on a client that a project function returns new (`s3 = self._client("s3")`, where
`_client` returns `boto3.Session().client(...)`; also redis, Elasticsearch / OpenSearch,
a `requests.Session`, a sync `httpx.Client`, a DB-API connection, a SQLAlchemy engine)
counts like a call on the client itself, in the coroutine and in its helpers; this is
what the project index's `made` facts (what a function constructs and returns) say.

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
None. The rule is in preview: it runs with `--preview`.

## References
- https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code
- https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from throughlint.effects import Effect
from throughlint.effects.blocking import blocking_call
from throughlint.index.facts import add_pending, project_callee
from throughlint.rules.base import Rule
from throughlint.semantic.expressions import unparse_short

if TYPE_CHECKING:
    from throughlint.index import ProjectIndex

RULE = Rule(
    code="TL404",
    name="blocking-call-in-async",
    summary="Synchronous I/O called in an async function, directly or through sync helpers: "
    "the event loop stalls",
    # no triggers: any module may hold a sync helper that blocks, or re-export one
    uses_index=True,
    preview=True,
    doc=__doc__ or "",
    bad=(
        """\
from sqlalchemy.orm import Session

async def create(db: Session, item):
    db.add(item)
    db.commit()  # expect: TL404
""",
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
        """\
import requests

def load_config(url):
    return requests.get(url).json()

async def handle(request):
    config = load_config(request.url)  # expect: TL404
    return config["name"]
""",
        """\
import shutil
import tarfile

async def install_theme(archive, target):
    with tarfile.open(archive) as bundle:
        bundle.extractall(target)  # expect: TL404
    shutil.copytree(target, target + ".bak")  # expect: TL404
""",
        """\
import boto3

class Uploads:
    def _client(self, service):
        session = boto3.Session(region_name="eu-west-1")
        return session.client(service)

    def _ensure_bucket(self, name):
        self._client("s3").create_bucket(Bucket=name)

    async def store(self, key, body):
        s3 = self._client("s3")
        s3.put_object(Bucket="uploads", Key=key, Body=body)  # expect: TL404
        self._ensure_bucket("uploads")  # expect: TL404
""",
    ),
    good=(
        """\
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Webhook

async def list_webhooks(db: AsyncSession):
    result = await db.execute(select(Webhook))
    return result.scalars().all()

async def create_webhook(db: AsyncSession, attrs: dict):
    webhook = Webhook(**attrs)
    db.add(webhook)
    await db.commit()
    return webhook
""",
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
        """\
import asyncio
import shutil

async def backup(source, target):
    await asyncio.to_thread(shutil.copytree, source, target)
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
        """\
import asyncio

import requests

def load_config(url):
    return requests.get(url).json()

async def handle(request):
    return await asyncio.to_thread(load_config, request.url)
""",
        """\
import httpx

async def load_config(url):
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).json()

async def handle(request):
    return await load_config(request.url)
""",
        """\
import boto3

class Uploads:
    def _client(self, service):
        session = boto3.Session(region_name="eu-west-1")
        return session.client(service)

    async def pages(self, bucket):
        s3 = self._client("s3")
        return s3.get_paginator("list_objects_v2")
""",
        """\
class shutil:
    @staticmethod
    def copytree(source, target):
        return (source, target)

async def plan(source, target):
    return shutil.copytree(source, target)
""",
    ),
)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    model = checker.semantic
    function = model.function
    if not isinstance(function, ast.AsyncFunctionDef):
        return
    found = blocking_call(model, node, checker.settings, files=True, sockets=True)
    if found is not None and found.asynchronous:
        return
    if id(node) in _awaited(model, function):
        return
    if found is not None:
        checker.report(
            RULE,
            node,
            f"blocking {found.what} in `async def {function.name}`: the event loop, and "
            "every other task on it, stalls until it returns; use an async API or "
            "`await asyncio.to_thread(...)`",
        )
        return
    name = model.resolve(node.func)
    if project_callee(name):  # a helper: whether it blocks is the index's to say
        add_pending(
            checker, node, "blocking", callee=name, text=unparse_short(node.func, 40),
            coroutine=function.name,
        )  # fmt: skip


def _awaited(model, function: ast.AsyncFunctionDef) -> frozenset[int]:
    """The calls of ``function`` that are an async API's: awaited, or entered by ``async
    with`` / ``async for``. Worked out once per function."""
    memo = model.memo("awaited-calls")
    known = memo.get(function)
    if known is None:
        found: set[int] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Await):
                found.add(id(node.value))
            elif isinstance(node, ast.AsyncWith):
                found.update(id(item.context_expr) for item in node.items)
            elif isinstance(node, ast.AsyncFor):
                found.add(id(node.iter))
        known = memo[function] = frozenset(found)
    return known


@RULE.on_project("blocking")
def check_helper(index: ProjectIndex, pending: dict[str, Any]) -> list:
    """A call in a coroutine to a sync function of the project that blocks."""
    callee = pending["callee"]
    text = pending["text"]
    client = index.client_call(callee)
    if client is not None:
        receiver, _, method = text.rpartition(".")
        return [
            (
                f"blocking {client[0]} call `{method}()` on `{receiver}`, a sync client from "
                f"`{client[1]}()`, in `async def {pending['coroutine']}`: the event loop, and "
                "every other task on it, stalls until it returns; use an async client or "
                f"`await asyncio.to_thread({text}, ...)`",
                None,
                None,
            )
        ]
    if index.is_async(callee) or not index.summary_effects(callee) & Effect.BLOCKING:
        return []
    witness = index.summary_witness(callee, Effect.BLOCKING)
    message = (
        f"blocking call through `{text}()` -> {witness} in `async def {pending['coroutine']}`: "
        "the event loop, and every other task on it, stalls until it returns; make the "
        f"helper async or `await asyncio.to_thread({text}, ...)`"
    )
    return [(message, None, None)]
