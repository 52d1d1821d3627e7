"""## What it does
Finds concurrent work started once per item with nothing bounding how much is in
flight: `asyncio.gather(*(f(x) for x in items))`, `create_task` / `ensure_future` per
loop pass (an `async for` over messages included), `executor.submit` per item on a
`concurrent.futures` executor, and `threading.Thread(...)` per item.

`gather`, `create_task`, executors and `threading.Thread` are matched by qualified name
(resolved through imports and assignments). Work counts as bounded when the call runs
under `with sem:` / `async with sem:`, or when the function it starts (defined in the
same file) acquires a semaphore, or the loop awaits a semaphore's `acquire()` on each
pass; and so does one task per cluster node, shard, replica, server, host, database or
partition (judged by the iterable's name alone: the deployment bounds those). Loops over
small literals, `range(k)` with a small literal `k`, and loops over batches or chunks
stay clean, and so does a fixed set of workers: `range(n)` whose counter the started
work never reads (`gather(*(worker() for _ in range(workers)))`).

## Why it hurts throughput
Fan-out without a bound turns a large input into that many simultaneous connections,
tasks or threads. Past the downstream's capacity this does not go faster: the server
or the connection pool queues or rejects the excess, memory grows with the input,
timeouts fire, and retries add load. A bound (a semaphore, a fixed set of workers
reading a bounded queue, chunks) keeps throughput at the downstream's best rate.

## Example
```python
import asyncio

async def fetch_all(client, urls):
    return await asyncio.gather(*(client.get(url) for url in urls))
```

## Use instead
```python
import asyncio

async def fetch_all(client, urls, limit=20):
    semaphore = asyncio.Semaphore(limit)

    async def fetch(url):
        async with semaphore:
            return await client.get(url)

    return await asyncio.gather(*(fetch(url) for url in urls))
```

## Fix safety
No fix: the right bound depends on the downstream.

## Options
- `small-loop-max`: loops over literals this small never count.

## References
- https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore
- https://docs.python.org/3/library/concurrent.futures.html
"""

from __future__ import annotations

import ast

from throughlint.rules.base import Rule
from throughlint.semantic.concurrency import (
    acquires_semaphore,
    is_semaphore,
    local_function,
    within_semaphore,
)
from throughlint.semantic.expressions import names_read, target_names, unparse_short
from throughlint.semantic.loops import describe_loop, is_batch_loop, is_small_iterable

RULE = Rule(
    code="TL204",
    name="unbounded-fan-out",
    summary="Concurrent work started per item with nothing bounding what is in flight",
    triggers=("gather", "create_task", "ensure_future", "submit", "Thread"),
    options=("small-loop-max",),
    preview=True,
    doc=__doc__ or "",
    bad=(
        """\
import asyncio

async def fetch_all(client, urls):
    return await asyncio.gather(*(client.get(url) for url in urls))  # expect: TL204
""",
        """\
import asyncio

async def consume(messages, handle):
    async for message in messages:
        asyncio.create_task(handle(message))  # expect: TL204
""",
        """\
from concurrent.futures import ThreadPoolExecutor

def resize_all(paths, resize):
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(resize, path) for path in paths]  # expect: TL204
    return [future.result() for future in futures]
""",
        """\
import asyncio

async def consume(messages, handle, semaphore=None):
    async for message in messages:
        if semaphore:
            await semaphore.acquire()
            asyncio.create_task(handle(message, semaphore))
        else:
            asyncio.create_task(handle(message))  # expect: TL204
""",
        """\
import threading

def notify_all(users, send):
    for user in users:
        threading.Thread(target=send, args=(user,)).start()  # expect: TL204
""",
    ),
    good=(
        """\
import asyncio

async def fetch_all(client, urls, limit=20):
    semaphore = asyncio.Semaphore(limit)

    async def fetch(url):
        async with semaphore:
            return await client.get(url)

    return await asyncio.gather(*(fetch(url) for url in urls))
""",
        """\
import asyncio

async def consume(messages, handle):
    semaphore = asyncio.Semaphore(50)
    async for message in messages:
        async with semaphore:
            asyncio.create_task(handle(message))
""",
        """\
import asyncio

async def consume(messages, handle):
    semaphore = asyncio.Semaphore(50)
    async for message in messages:
        await semaphore.acquire()
        task = asyncio.create_task(handle(message))
        task.add_done_callback(lambda _: semaphore.release())
""",
    ),
    near_miss=(
        """\
import asyncio

async def ping_all(cluster):
    await asyncio.gather(*(node.ping() for node in cluster.nodes))
""",
        """\
import asyncio

async def warm(client):
    await asyncio.gather(*(client.get(url) for url in ("/a", "/b", "/c")))
""",
        """\
import threading

def start_workers(work):
    for _ in range(4):
        threading.Thread(target=work).start()
""",
        """\
import asyncio

async def crawl(frontier, fetch, workers=8):
    async def worker():
        while True:
            await fetch(await frontier.get())

    await asyncio.gather(*(worker() for _ in range(workers)))
""",
        """\
class Executor:
    def submit(self, fn, item):
        return fn(item)

def run(items, fn):
    pool = Executor()
    return [pool.submit(fn, item) for item in items]
""",
        """\
import asyncio

async def fetch_batches(client, batches):
    for batch in batches:
        await asyncio.gather(*(client.get(url) for url in batch))
""",
    ),
)

_GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})
_SPAWN = frozenset(
    {"asyncio.create_task", "asyncio.ensure_future", "asyncio.get_event_loop().create_task",
     "asyncio.get_running_loop().create_task", "asyncio.TaskGroup().create_task"}
)  # fmt: skip
_EXECUTORS = (
    "concurrent.futures.ThreadPoolExecutor()",
    "concurrent.futures.ProcessPoolExecutor()",
    "concurrent.futures.thread.ThreadPoolExecutor()",
    "concurrent.futures.process.ProcessPoolExecutor()",
    "multiprocessing.pool.ThreadPool()",
)
_CHUNK_WORDS = ("batch", "chunk", "page")
_INFRASTRUCTURE = ("node", "shard", "replica", "server", "host", "database", "partition")
_THREADS = frozenset({"threading.Thread", "multiprocessing.Process"})


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    model = checker.semantic
    name = model.resolve(node.func)
    if name is None:
        return
    if name in _GATHER:
        _check_gather(checker, node)
        return
    spawn = name in _SPAWN or name in _THREADS
    submit = name.endswith(".submit") and name[: -len(".submit")] in _EXECUTORS
    if not (spawn or submit):
        return
    loop = model.hot_loop(include_while=name in _SPAWN)
    if loop is None or is_batch_loop(loop) or within_semaphore(model):
        return
    if loop.iter is not None and any(
        word in unparse_short(loop.iter, 200).lower() for word in _INFRASTRUCTURE
    ):
        return  # one task per node, shard or database: bounded by the deployment
    if _worker_pool(loop.iter, loop.target_names, node):
        return
    if _acquires_in_loop(model, getattr(loop.node, "body", []), node):
        return  # ``await sem.acquire()`` per pass, released when the task ends
    started = node.args[0] if node.args else None
    if isinstance(started, ast.Call):
        helper = local_function(model, started)
        if helper is not None and acquires_semaphore(model, helper):
            return
    what = {True: "a thread", False: "a task"}[name in _THREADS] if spawn else "a job"
    checker.report(
        RULE,
        node,
        f"{what} started on every pass of {describe_loop(loop)} with nothing bounding how "
        "many run at once: in-flight work grows with the input; bound it with a "
        "`Semaphore`, a fixed set of workers on a bounded queue, or chunks",
    )


def _worker_pool(iterable: ast.AST | None, targets, started: ast.AST) -> bool:
    """``for _ in range(n)`` starting work that never reads the counter: ``n`` identical
    workers (which pull from a shared source), not one task per item."""
    return (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
        and not names_read(started) & set(targets)
    )


def _acquires_in_loop(model, body: list[ast.stmt], target: ast.AST) -> bool:
    """``await sem.acquire()`` runs before ``target`` on every path of the loop body that
    reaches it (a statement earlier in the same block or an enclosing one)."""
    for position, statement in enumerate(body):
        if not any(node is target for node in ast.walk(statement)):
            continue
        if any(_is_acquire(model, earlier) for earlier in body[:position]):
            return True
        blocks = [getattr(statement, name, None) for name in ("body", "orelse", "finalbody")]
        blocks += [handler.body for handler in getattr(statement, "handlers", [])]
        return any(
            isinstance(block, list) and _acquires_in_loop(model, block, target) for block in blocks
        )
    return False


def _is_acquire(model, statement: ast.stmt) -> bool:
    value = statement.value if isinstance(statement, ast.Expr) else None
    if isinstance(value, ast.Await):
        value = value.value
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "acquire"
        and is_semaphore(model, value.func.value)
    )


def _a_chunk(model, generator: ast.comprehension) -> bool:
    """``for batch in batches: gather(*(f(x) for x in batch))``: chunks bound the fan-out;
    so does the deployment, for one call per cluster node, shard or database (by name)."""
    text = unparse_short(generator.iter, 200).lower()
    if any(word in text for word in (*_CHUNK_WORDS, *_INFRASTRUCTURE)):
        return True
    names = names_read(generator.iter)
    loop = model.hot_loop(include_while=True)
    return loop is not None and is_batch_loop(loop) and bool(names & loop.target_names)


def _check_gather(checker, node: ast.Call) -> None:
    model = checker.semantic
    if within_semaphore(model):
        return
    for argument in node.args:
        if not isinstance(argument, ast.Starred):
            continue
        value = argument.value
        if not isinstance(value, (ast.GeneratorExp, ast.ListComp)):
            continue
        generator = value.generators[0]
        if is_small_iterable(generator.iter, model.small_loop_max) or _a_chunk(model, generator):
            continue
        if _worker_pool(generator.iter, target_names(generator.target), value.elt):
            continue
        element = value.elt
        if isinstance(element, ast.Call):
            helper = local_function(model, element)
            if helper is not None and acquires_semaphore(model, helper):
                continue
        checker.report(
            RULE,
            node,
            "`gather()` of one coroutine per item starts them all at once: in-flight "
            "requests grow with the input; run them under a `Semaphore` or in chunks",
        )
        return
