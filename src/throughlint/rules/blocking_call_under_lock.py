"""## What it does
Finds a network, database, sleep or subprocess call made while a lock is held: inside
`with lock:` on a `threading` / `multiprocessing` lock, or `async with lock:` on an
`asyncio` lock (where an awaited async client call counts too). Locks are recognised by
their constructor's qualified name (resolved through imports, assignments and
`self.x = ...` in `__init__`), or, for a parameter, by a lock-like name; the calls by the
same classification as TL404.

A lock that lives on the same object as the database connection it guards
(`with self._lock: self._conn.execute(...)`) serialises that connection on purpose (a
DB-API connection is not safe to share between threads) and is not reported; HTTP,
redis and cloud clients are, since they are safe to share.

Calls are followed through the project's own sync functions, in the same module or
another (the project index's summaries, as TL404 does): `with self._lock:
con = self._new_connection()` is reported when `_new_connection()` connects, citing the
call inside the helper that blocks; a base-class method the subclasses override
(`self._connect()`) counts when an override blocks. An `async def` helper called under a
threading lock only makes a coroutine and is not reported; a helper whose blocking call
is a database call on a connection the lock's object holds (`self._insert()` ->
`self._db.execute()`) is the per-connection lock above.

## Why it hurts throughput
While one thread waits for the network, the disk or a child process with the lock held,
every other thread that needs the lock waits behind it: a lock convoy. The locked region
becomes as slow as its slowest I/O, and the program's throughput falls to one I/O at a
time however many threads or tasks it runs.

## Example
```python
import threading

import requests

_lock = threading.Lock()
_cache = {}

def price(symbol):
    with _lock:
        if symbol not in _cache:
            _cache[symbol] = requests.get(f"https://prices.example/{symbol}").json()
        return _cache[symbol]
```

## Use instead
```python
import threading

import requests

_lock = threading.Lock()
_cache = {}

def price(symbol):
    with _lock:
        if symbol in _cache:
            return _cache[symbol]
    value = requests.get(f"https://prices.example/{symbol}").json()
    with _lock:
        return _cache.setdefault(symbol, value)
```

## Fix safety
No fix: moving I/O out of a critical section changes what other threads can observe.

## Options
None.

## References
- https://en.wikipedia.org/wiki/Lock_convoy
- https://docs.python.org/3/library/threading.html#lock-objects
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from throughlint.effects import Effect
from throughlint.effects.blocking import blocking_call
from throughlint.index.facts import add_pending, project_callee
from throughlint.rules.base import Rule
from throughlint.semantic.concurrency import excludes_others, lock_type
from throughlint.semantic.expressions import unparse_short

if TYPE_CHECKING:
    from throughlint.index import ProjectIndex

RULE = Rule(
    code="TL302",
    name="blocking-call-under-lock",
    summary="Network, database, sleep or subprocess call made while a lock is held",
    # no triggers: a helper in a module without a lock may be the one that blocks (the
    # index records which sync functions wait only in modules where the rule is active)
    uses_index=True,
    preview=True,
    doc=__doc__ or "",
    bad=(
        """\
import threading

import requests

_lock = threading.Lock()
_cache = {}

def price(symbol):
    with _lock:
        if symbol not in _cache:
            _cache[symbol] = requests.get(f"https://api.example/{symbol}").json()  # expect: TL302
        return _cache[symbol]
""",
        """\
import subprocess
import threading
import time

class Deployer:
    def __init__(self):
        self.lock = threading.RLock()

    def deploy(self, host):
        with self.lock:
            subprocess.run(["ssh", host, "restart"])  # expect: TL302
            time.sleep(1)  # expect: TL302
""",
        """\
import asyncio

import httpx

class Fetcher:
    def __init__(self):
        self._lock = asyncio.Lock()
        self._client = httpx.AsyncClient()

    async def fetch(self, url):
        async with self._lock:
            return await self._client.get(url)  # expect: TL302
""",
    ),
    good=(
        """\
import threading

import requests

_lock = threading.Lock()
_cache = {}

def price(symbol):
    with _lock:
        if symbol in _cache:
            return _cache[symbol]
    value = requests.get(f"https://prices.example/{symbol}").json()
    with _lock:
        return _cache.setdefault(symbol, value)
""",
        """\
import threading

counter_lock = threading.Lock()
counts = {}

def count(key):
    with counter_lock:
        counts[key] = counts.get(key, 0) + 1
""",
    ),
    near_miss=(
        """\
import sqlite3
import threading

class Store:
    def __init__(self, path):
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)

    def put(self, key, value):
        with self._lock:
            self._db.execute("INSERT INTO kv VALUES (?, ?)", (key, value))
""",
        """\
import threading
import time

limit = threading.BoundedSemaphore(8)

def call(fn):
    with limit:
        time.sleep(0.1)
        return fn()
""",
        """\
import requests

class Lock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

lock = Lock()

def fetch(url):
    with lock:
        return requests.get(url)
""",
        """\
import threading

import requests

_lock = threading.Lock()

def fetch(url):
    with _lock:
        def later():
            return requests.get(url)
    return later
""",
    ),
)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    model = checker.semantic
    if not model.frame.withs:
        return
    held = _held_lock(checker)
    if held is None:
        return
    item, is_async = held
    found = blocking_call(model, node, checker.settings)
    if found is None:
        name = model.resolve(node.func)
        if project_callee(name):  # a helper: whether it blocks is the index's to say
            add_pending(
                checker, node, "blocking-under-lock", callee=name,
                text=unparse_short(node.func, 40), lock=unparse_short(item.context_expr, 30),
                owned=_same_owner(item.context_expr, node.func),
            )  # fmt: skip
        return
    if found.asynchronous and not is_async:
        return
    if found.database and _same_owner(item.context_expr, node.func):
        return  # a per-connection lock: serialising this I/O is its job
    checker.report(
        RULE,
        node,
        f"blocking {found.what} while `{unparse_short(item.context_expr, 30)}` is held: "
        "every other thread or task that needs the lock waits for this I/O (a lock "
        "convoy); do the I/O before or after the critical section",
    )


@RULE.on_project("blocking-under-lock")
def check_helper(index: ProjectIndex, pending: dict[str, Any]) -> list:
    """A call under a lock to a sync function of the project that blocks."""
    callee = pending["callee"]
    if index.is_async(callee):
        return []
    if index.summary_effects(callee) & Effect.BLOCKING:
        witness = index.summary_witness(callee, Effect.BLOCKING)
    else:
        # ``self._connect()`` in a base class whose subclasses' overrides connect
        caller = pending.get("fn", "").rpartition(".")[2]
        found, witness = index.override_effects(callee, caller, mask=Effect.BLOCKING)
        if not found & Effect.BLOCKING:
            return []
    if pending.get("owned") and _OWN_CONNECTION.match(witness):
        return []  # ``self._insert()`` -> ``self._db.execute()``: a per-connection lock
    message = (
        f"blocking call through `{pending['text']}()` -> {witness} while `{pending['lock']}` "
        "is held: every other thread or task that needs the lock waits for this I/O (a lock "
        "convoy); do the I/O before or after the critical section"
    )
    return [(message, None, None)]


_OWN_CONNECTION = re.compile(
    r"`self(\.\w+)+\.(execute|executemany|executescript|commit|rollback|cursor|callproc)\(\)`"
)
"""A helper's witness that is a database call on a connection its object holds."""


def _held_lock(checker) -> tuple[ast.withitem, bool] | None:
    """Worked out once per ``with`` stack and state of the bindings, not once per call in
    its body (a ``with`` of ``n`` items around ``n`` calls read every item per call)."""
    model = checker.semantic
    withs = model.frame.withs
    if not withs:
        return None
    memo = model.memo("held_lock")
    key = (withs[-1], len(withs), model.generation, id(model.scope))
    if key not in memo:
        memo[key] = _find_held_lock(model, withs)
    return memo[key]


def _find_held_lock(model, withs: tuple[ast.withitem, ...]) -> tuple[ast.withitem, bool] | None:
    for item in reversed(withs):
        kind = lock_type(model, item.context_expr)
        if kind is None or not excludes_others(model, item.context_expr, kind):
            continue
        return item, kind.startswith(("asyncio.", "anyio.", "trio."))
    return None


def _same_owner(lock: ast.expr, func: ast.expr) -> bool:
    """``self._lock`` and ``self._db.execute``: the lock and the client share an owner."""
    owner = _base(lock)
    return owner is not None and isinstance(func, ast.Attribute) and _base(func.value) == owner


def _base(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name):
        return node.id
    return None
