"""## What it does
Finds `await` of a network call on each pass of a `for` loop or comprehension whose passes
are independent: `await session.get(url)`, `async with session.get(url)`, an awaited
HTTP client, or a coroutine of the project that awaits one (in the same file, or a method
or function of another module: `await gh.repo(name)` where `repo` awaits
`self._http.get(...)`, known through the project index).

## Why it hurts throughput
`await` inside the loop waits for each response before sending the next request, so N
requests take N round trips end to end, while the event loop sits idle. Started
together, they overlap: the loop takes about as long as the slowest request.

Not reported: a loop-carried dependency (a pagination token, cursor or accumulator
produced by one pass and read by the next call), loops that `break` or `return` on a
result, retries, async generators that `yield` per pass (the consumer sets the pace),
`async for`, a client command given the whole group a pass yields (one
`await r.unlink(*slot_keys)` per hash slot: a loop over batches, sent one batch at a
time to bound the load), `asyncio.sleep`, queue, lock
and event waits, calls made while holding an `asyncio.Semaphore` or to a helper that
takes one, database calls (one connection runs one query at a time; see TL101/TL102),
and calls that have a batch API (reported by TL401). A receiver's name (`session`,
`client`) counts only when nothing declares its type: `session: DbSession` is whatever
`DbSession` is, followed through the index; nor does it count when the function calls a
method only an ORM session has on the same receiver (`session.add()`, `await
session.commit()`).

## Example
```python
import aiohttp

async def fetch_all(session: aiohttp.ClientSession, urls):
    pages = []
    for url in urls:
        async with session.get(url) as response:
            pages.append(await response.text())
    return pages
```

## Use instead
```python
import asyncio
import aiohttp

async def fetch_all(session: aiohttp.ClientSession, urls):
    limit = asyncio.Semaphore(20)

    async def fetch(url):
        async with limit, session.get(url) as response:
            return await response.text()

    return await asyncio.gather(*(fetch(url) for url in urls))
```

## Fix safety
No fix is offered: running the calls concurrently changes their order and how errors
surface, and needs a concurrency limit chosen for the server.

## Options
None.

## References
- https://docs.python.org/3/library/asyncio-task.html#asyncio.gather
- https://docs.python.org/3/library/asyncio-task.html#task-groups
- https://docs.aiohttp.org/en/stable/http_request_lifecycle.html
"""

from __future__ import annotations

import ast
import re

from throughlint.effects import Effect
from throughlint.effects.database import database_effects
from throughlint.effects.remote import HTTP_VERBS, LONG_LIVED, remote_call
from throughlint.index.facts import add_pending, project_callee
from throughlint.rules.base import Rule
from throughlint.semantic.concurrency import (
    acquires_semaphore,
    is_blocking_wait,
    is_retry_loop,
    local_function,
    within_semaphore,
)
from throughlint.semantic.expressions import dotted_name, unparse_short, walk_same_function
from throughlint.semantic.loops import Loop, LoopKind, describe_loop, refilled
from throughlint.semantic.per_call import takes_group

RULE = Rule(
    code="TL402",
    name="sequential-await-in-loop",
    summary="Independent network calls awaited one after another in a loop",
    triggers=("await", "async with"),
    doc=__doc__ or "",
    uses_index=True,
    bad=(
        """\
import aiohttp

async def fetch_all(session: aiohttp.ClientSession, urls):
    pages = []
    for url in urls:
        async with session.get(url) as response:  # expect: TL402
            pages.append(await response.text())
    return pages
""",
        """\
import httpx

async def statuses(client: httpx.AsyncClient, ids):
    return [(await client.get(f"/items/{i}")).status_code for i in ids]  # expect: TL402
""",
        """\
import httpx

class Mirror:
    def __init__(self):
        self.client = httpx.AsyncClient(base_url="https://api.example.com")

    async def download(self, name):
        response = await self.client.get(f"/files/{name}")
        return response.content

    async def mirror(self, names, store):
        total = 0
        for name in names:
            blob = await self.download(name)  # expect: TL402
            store[name] = blob
            total += len(blob)
        return total
""",
        """\
import asyncio
import aiohttp

async def probe_all(session: aiohttp.ClientSession, hosts):
    alive = {}
    for host in hosts:
        response = await asyncio.wait_for(session.head(f"https://{host}/"), 5)  # expect: TL402
        alive[host] = response.status < 500
    return alive
""",
        """\
async def notify(http_session, users):
    for user in users:
        await http_session.post("/notify", json={"user": user.id})  # expect: TL402
""",
    ),
    good=(
        """\
import asyncio
import aiohttp

async def fetch_all(session: aiohttp.ClientSession, urls):
    limit = asyncio.Semaphore(20)

    async def fetch(url):
        async with limit, session.get(url) as response:
            return await response.text()

    return await asyncio.gather(*(fetch(url) for url in urls))
""",
        """\
import asyncio
import httpx

async def statuses(client: httpx.AsyncClient, ids):
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(client.get(f"/items/{i}")) for i in ids]
    return [task.result().status_code for task in tasks]
""",
    ),
    near_miss=(
        """\
import httpx

async def all_items(client: httpx.AsyncClient, pages):
    items, cursor = [], None
    for _ in range(pages):
        response = await client.get("/items", params={"cursor": cursor})
        body = response.json()
        items.extend(body["items"])
        cursor = body["next"]
    return items
""",
        """\
import asyncio

async def pace(queue: asyncio.Queue, lock: asyncio.Lock, events):
    for event in events:
        await asyncio.sleep(0.1)
        await queue.put(event)
        async with lock:
            pass
""",
        """\
import httpx

async def first_alive(client: httpx.AsyncClient, mirrors):
    for mirror in mirrors:
        response = await client.head(mirror)
        if response.status_code == 200:
            return mirror
""",
        """\
import asyncio
import aiohttp

limit = asyncio.Semaphore(10)

async def fetch(session: aiohttp.ClientSession, url):
    async with limit:
        async with session.get(url) as response:
            return await response.read()

async def crawl(session, urls):
    for url in urls:
        await fetch(session, url)
""",
        """\
import aiohttp

async def stream(session: aiohttp.ClientSession, feed):
    async for url in feed:
        async with session.get(url) as response:
            print(response.status)
""",
        """\
async def replay(conn, statements):
    for statement in statements:
        await conn.execute(statement)
""",
        """\
from typing import Annotated

from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import provide_session

DbSession = Annotated[AsyncSession, provide_session]


async def drop(session: DbSession, files):
    for file in files:
        await session.delete(file)  # an ORM session by its declared type, not HTTP
""",
        """\
import redis.asyncio as aioredis

redis = aioredis.RedisCluster()

async def drop(keys_by_slot):
    for slot_keys in keys_by_slot.values():
        await redis.unlink(*slot_keys)  # one request per slot's batch of keys
""",
        """\
async def drop_all(session, files):
    for file in files:
        await session.delete(file)  # an ORM session: the function also commits it
    await session.commit()
""",
    ),
)

_CLIENT_NAME = re.compile(r"(?:session|client|http)$", re.IGNORECASE)
_HELPER_DEPTH = 2
_WRAPPERS = frozenset({"asyncio.wait_for", "asyncio.shield", "asyncio.tasks.wait_for"})


@RULE.on(ast.Await)
def check_await(checker, node: ast.Await) -> None:
    if isinstance(node.value, ast.Call):
        _check(checker, node.value)


@RULE.on(ast.AsyncWith)
def check_async_with(checker, node: ast.AsyncWith) -> None:
    for item in node.items:
        if isinstance(item.context_expr, ast.Call):
            _check(checker, item.context_expr)


def _check(checker, call: ast.Call) -> None:
    model = checker.semantic
    call = _unwrap(model, call)
    loop = model.hot_loop()
    if loop is None or not _independent_passes(model, loop) or refilled(loop):
        return  # a work list refilled by its passes: each may need the one before
    if within_semaphore(model) or _sends_group(checker, loop, call):
        return  # bounded, or one request per batch (``unlink(*slot_keys)``)
    reason = _network_call(checker, call, _HELPER_DEPTH)
    if model.loop_facts(loop).carried(call, loop.target_names):
        return
    if reason is None:
        _ask_the_index(checker, call, loop)
        return
    checker.report(
        RULE,
        call,
        f"`await {unparse_short(call, 40)}` {reason} and runs once per item of "
        f"{describe_loop(loop)}, each waiting for the previous: N round trips in series; "
        f"start them together with `asyncio.gather` / `TaskGroup`, bounded by an "
        f"`asyncio.Semaphore`",
    )


def _sends_group(checker, loop: Loop, call: ast.Call) -> bool:
    """``await r.unlink(*slot_keys)``: a client command given the whole group a pass
    yields (a loop over batches); not a coroutine given a pass's arguments unpacked
    (``await report(*args)``)."""
    return (
        takes_group(loop, call)
        and remote_call(checker.semantic, call, checker.settings) is not None
    )


def _ask_the_index(checker, call: ast.Call, loop: Loop) -> None:
    """``await gh.repo(name)``: a coroutine of the project that the walk cannot follow (a
    method of an instance, a function of another module); the index knows whether it
    awaits a network request (``Effect.AWAITS_NETWORK``)."""
    name = checker.semantic.resolve(call.func)
    if not project_callee(name) or local_function(checker.semantic, call) is not None:
        return
    add_pending(
        checker,
        call,
        "await-call",
        callee=name,
        text=unparse_short(call, 40),
        loop=describe_loop(loop),
    )


@RULE.on_project("await-call")
def check_awaited_helper(index, pending: dict) -> list:
    """A project coroutine awaited per item that awaits a network request itself."""
    callee = pending["callee"]
    if not index.summary_effects(callee) & Effect.AWAITS_NETWORK:
        return []
    witness = index.summary_witness(callee, Effect.AWAITS_NETWORK)
    via = f" ({witness})" if witness else ""
    return [
        (
            f"`await {pending['text']}` awaits a network request{via} and runs once per item"
            f" of {pending['loop']}, each waiting for the previous: N round trips in series;"
            f" start them together with `asyncio.gather` / `TaskGroup`, bounded by an"
            f" `asyncio.Semaphore`",
            None,
            None,
        )
    ]


def _unwrap(model, call: ast.Call) -> ast.Call:
    """``asyncio.wait_for(client.get(url), 5)`` and ``asyncio.shield(...)`` await the
    call they wrap."""
    if model.resolve(call.func) in _WRAPPERS and call.args and isinstance(call.args[0], ast.Call):
        return call.args[0]
    return call


def _independent_passes(model, loop: Loop) -> bool:
    if loop.kind is LoopKind.ASYNC_FOR:
        return False
    if loop.kind is LoopKind.COMPREHENSION:
        generators = getattr(loop.node, "generators", ())
        return not any(generator.is_async for generator in generators)
    # An async generator that yields per pass: its consumer sets the pace, and starting
    # every request up front would defeat the laziness it was written for.
    facts = model.loop_facts(loop)
    return not (facts.leaves_early or is_retry_loop(model, loop) or facts.yields)


def _network_call(checker, call: ast.Call, depth: int) -> str | None:
    """Why ``call`` is a network round trip worth overlapping, or None."""
    model = checker.semantic
    settings = checker.settings
    if is_blocking_wait(model, call):
        return None
    if database_effects(model, call, settings) & (Effect.READ | Effect.WRITE | Effect.COMMIT):
        return None
    remote = remote_call(model, call, settings)
    if remote is not None and remote.method in LONG_LIVED:
        return None  # a connection or stream kept open, not one request
    if remote is not None:
        return None if remote.batch is not None else f"is one {remote.client} request"
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in HTTP_VERBS - {"send"}
        and _CLIENT_NAME.search(_last_name(func.value))
        and not _looks_like_orm(model, func.value, call)
    ):
        return "is one HTTP request"
    if depth <= 0:
        return None
    helper = local_function(model, call)
    if not isinstance(helper, ast.AsyncFunctionDef) or acquires_semaphore(model, helper):
        return None
    known = model.memo("TL402.helpers")  # every call site of a helper asks the same
    if (helper, depth) not in known:
        known[helper, depth] = any(
            _network_call(checker, inner, depth - 1) is not None for inner in _awaited_calls(helper)
        )
    return f"awaits a network call in `{helper.name}`" if known[helper, depth] else None


def _awaited_calls(function: ast.AsyncFunctionDef):
    for node in ast.walk(function):
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            yield node.value
        elif isinstance(node, ast.AsyncWith):
            for item in node.items:
                if isinstance(item.context_expr, ast.Call):
                    yield item.context_expr


def _looks_like_orm(model, receiver: ast.expr, call: ast.Call) -> bool:
    """``await session.get(User, user_id)``: an async ORM session, not an HTTP client.
    Nor is a receiver of a declared type the type layer did not place among the HTTP
    clients (``session: DbSession``): the name says nothing then; a project class is
    the index's to follow."""
    resolved = model.resolve(receiver) or ""
    if resolved.startswith(("sqlalchemy", "sqlmodel", "tortoise", "django")):
        return True
    if resolved.endswith("()"):
        return True
    if _ORM_ONLY & _methods_called_on(model, receiver):
        return True  # ``session.add(row)`` / ``await session.commit()`` on it too
    first = call.args[0] if call.args else None
    return isinstance(first, ast.Name) and first.id[:1].isupper()


# Unit-of-work methods of an ORM session that no network client shares (``query`` and
# ``execute`` are left out: vector-database and GraphQL clients have them too).
_ORM_ONLY = frozenset(
    {"add", "add_all", "commit", "flush", "rollback", "refresh", "scalars", "merge",
     "expunge", "begin_nested", "bulk_save_objects"}
)  # fmt: skip


def _methods_called_on(model, receiver: ast.expr) -> frozenset[str]:
    """The methods the enclosing function calls on ``receiver`` (a name, or ``self.x``),
    gathered once per function for every receiver (each awaited call asks)."""
    function = model.function
    if function is None or not isinstance(receiver, (ast.Name, ast.Attribute)):
        return frozenset()
    known = model.memo("TL402.receiver_methods")
    if function not in known:
        methods: dict[str, set[str]] = {}
        for node in walk_same_function(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                key = dotted_name(node.func.value)  # a name or ``self.x``: no unparsing
                if key is not None:
                    methods.setdefault(key, set()).add(node.func.attr)
        known[function] = methods
    return frozenset(known[function].get(dotted_name(receiver) or "", ()))


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""
