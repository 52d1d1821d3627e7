"""## What it does
Finds a lock (`threading` / `multiprocessing` / `asyncio` `Lock`, `RLock`, `Semaphore`,
`Condition`) acquired and released on every pass of a loop when the locked region is most
of the loop body: `with lock:`, `async with lock:`, or `lock.acquire()` ... `release()`.
Locks are known by construction (`threading.Lock()`, a module-level lock, `self._lock`
set in `__init__` or as a class attribute) or, when passed in, by a lock-like name. A
semaphore counts only when it admits one holder (`Semaphore()`, `Semaphore(1)`): one of N
permits taken per item bounds concurrency, which is its job.
In a `while` loop that drains a shared buffer, a lock taken to remove one item per pass
(`with self._lock: msg = self._pending.popleft()`, then a send outside it) is reported
however much work follows: every item costs an acquire that the producers contend for.

## Why it hurts throughput
Each acquire / release is an atomic operation and, under contention, a context switch.
When the loop does little outside the lock, the threads take turns holding it for
every item: they run one at a time, plus the handoff cost per item, so adding threads
makes the loop slower.

Measured: statements and calls inside the locked region against those outside it in the
same pass. A short critical section in a loop that does real work outside it (compute,
then lock only to publish the result) is the right pattern and stays clean. `while` loops
count, but a loop that blocks each pass (`queue.get()`, `event.wait()`, `time.sleep`) is
not hot, and a `Condition` that waits inside the lock is a handoff, not contention.

## Example
```python
import threading

lock = threading.Lock()
totals = {}

def tally(words):
    for word in words:
        with lock:
            totals[word] = totals.get(word, 0) + 1
```

## Use instead
```python
import threading
from collections import Counter

lock = threading.Lock()
totals = Counter()

def tally(words):
    local = Counter(words)
    with lock:
        totals.update(local)
```

## Fix safety
No fix is offered: widening or moving a critical section changes what other threads can
observe.

## Options
None.

## References
- https://docs.python.org/3/library/threading.html#lock-objects
- https://docs.python.org/3/library/asyncio-sync.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from throughlint.rules.base import Rule
from throughlint.semantic.concurrency import excludes_others, lock_type, loop_waits
from throughlint.semantic.expressions import unparse_short
from throughlint.semantic.loops import Loop, LoopKind, describe_loop

RULE = Rule(
    code="TL301",
    name="lock-in-loop",
    summary="Lock acquired on every loop pass around most of the loop body",
    triggers=("ock", "emaphore", "ondition", "acquire", "mutex", "sem"),
    doc=__doc__ or "",
    bad=(
        """\
import threading

lock = threading.Lock()
totals = {}

def tally(words):
    for word in words:
        with lock:  # expect: TL301
            totals[word] = totals.get(word, 0) + 1
""",
        """\
import threading

class Stats:
    def __init__(self):
        self._lock = threading.RLock()
        self.seen = set()
        self.count = 0

    def record(self, events):
        for event in events:
            self._lock.acquire()  # expect: TL301
            try:
                self.seen.add(event.id)
                self.count += 1
            finally:
                self._lock.release()
""",
        """\
import asyncio

class Registry:
    _lock = asyncio.Lock()

    async def register_all(self, items):
        for item in items:
            async with self._lock:  # expect: TL301
                self.items[item.key] = item
                self.index.setdefault(item.kind, []).append(item.key)
""",
        """\
def drain(buffer, lock, sink):
    while buffer:
        with lock:  # expect: TL301
            item = buffer.pop()
            sink.write(item)
""",
        """\
import collections
import threading


class Sender:
    def __init__(self, transport):
        self._lock = threading.Lock()
        self._pending = collections.deque()
        self._transport = transport

    def run(self):
        while True:
            with self._lock:  # expect: TL301
                if not self._pending:
                    break
                message = self._pending.popleft()
            self._transport.send(message)
            self._transport.log(message)
""",
    ),
    good=(
        """\
import threading
from collections import Counter

lock = threading.Lock()
totals = Counter()

def tally(words):
    local = Counter(words)
    with lock:
        totals.update(local)
""",
        """\
import threading

lock = threading.Lock()

def work(items, results):
    for item in items:
        value = expensive(item)
        with lock:
            results.append(value)
""",
    ),
    near_miss=(
        """\
import queue
import threading

jobs = queue.Queue(maxsize=100)
lock = threading.Lock()

def consume(state):
    while True:
        job = jobs.get()
        with lock:
            state[job.key] = job.value
""",
        """\
import threading

ready = threading.Condition()

def consumer(items):
    while True:
        with ready:
            while not items:
                ready.wait()
            item = items.pop()
""",
        """\
import collections
import threading


class Sender:
    def __init__(self, transport):
        self._lock = threading.Lock()
        self._pending = collections.deque()
        self._transport = transport

    def run(self):
        while True:
            with self._lock:
                if not self._pending:
                    break
                batch, self._pending = self._pending, collections.deque()
            self._transport.send_all(batch)

    def cancel(self, keys):
        while keys:
            with self._lock:
                self._sent.pop(keys[-1])
            keys.pop()
            self._transport.cancel(keys)
            self._transport.log(keys)
""",
        """\
import threading

lock = threading.Lock()

def flusher(stop, buffer, sink):
    while not stop.wait(1.0):
        with lock:
            sink.write_all(buffer)
            buffer.clear()
""",
        """\
import threading

lock = threading.Lock()

def fetch_all(urls, session, pages):
    for url in urls:
        response = session.get(url)
        body = response.json()
        with lock:
            pages[url] = body
""",
        """\
import threading

lock = threading.Lock()

def once(items, state):
    for item in ("a", "b"):
        with lock:
            state[item] = 1
""",
        """\
import threading

downloads = threading.BoundedSemaphore(8)

def fetch_all(urls, session, out):
    for url in urls:
        with downloads:
            out[url] = session.get(url).content
""",
        """\
def rebalance(shards, moves):
    for shard in shards:
        with shard.lock:
            shard.apply(moves[shard.id])
""",
        """\
import asyncio

async def admit(jobs, run):
    sem = asyncio.Semaphore(8)
    for job in jobs:
        await sem.acquire()
        asyncio.create_task(run(job, sem))
""",
        """\
from contextlib import suppress

def read_all(files, block):
    for path in files:
        with block:
            print(path)
""",
    ),
)

# Control flow that is not work of its own.
_FREE = (ast.Pass, ast.Continue, ast.Break, ast.Expr)
# Calls that cost next to nothing next to a lock handoff.
_TRIVIAL_CALLS = frozenset(
    {"len", "isinstance", "int", "str", "float", "bool", "id", "hash", "getattr", "hasattr",
     "min", "max", "abs", "tuple", "next", "type", "repr", "format"}
)  # fmt: skip
_WEIGHT_RATIO = 3


@dataclass
class _Cost:
    statements: int = 0
    calls: int = 0

    @property
    def weight(self) -> int:
        return self.statements + self.calls


@RULE.on(ast.With, ast.AsyncWith)
def check_with(checker, node: ast.With | ast.AsyncWith) -> None:
    model = checker.semantic
    loop = model.hot_loop(include_while=True)
    if loop is None or loop.kind is LoopKind.COMPREHENSION:
        return
    for item in node.items:
        kind = lock_type(model, item.context_expr)
        if kind is not None and excludes_others(model, item.context_expr, kind):
            _judge(checker, loop, item.context_expr, kind, [node], node.body)
            return


@RULE.on(ast.Call)
def check_acquire(checker, node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "acquire":
        return
    if node.args or any(k.arg in {"blocking", "timeout"} for k in node.keywords):
        return  # a try-lock or a timed acquire: the caller handles failing to get it
    model = checker.semantic
    loop = model.hot_loop(include_while=True)
    if loop is None or loop.kind is LoopKind.COMPREHENSION:
        return
    kind = lock_type(model, func.value)
    if kind is None or not excludes_others(model, func.value, kind):
        return
    region = _acquired_region(loop, node, ast.dump(func.value))
    if region is not None:
        _judge(checker, loop, node, kind, *region)


def _judge(checker, loop: Loop, at: ast.AST, kind: str, owners, locked) -> None:
    """Report when the locked statements are most of the loop pass."""
    model = checker.semantic
    if loop_waits(model, loop) or _waits_on_lock(locked):
        return
    body: list[ast.stmt] = loop.node.body  # type: ignore[attr-defined]
    inside = _cost(locked, skip=())
    if not inside.weight:
        return  # ``with lock: pass``: a barrier, not a critical section
    taken = _takes_one_item(locked) if loop.is_while else None
    if taken is not None:
        name = unparse_short(at.func.value if isinstance(at, ast.Call) else at, 30)
        checker.report(
            RULE,
            at,
            f"{_what(kind)} `{name}` is acquired on every pass of the `while` loop to take one"
            f" item (`{taken}`): N acquire/release pairs, and producers wait on every one;"
            f" take everything queued at once under one acquire (swap the buffer for an"
            f" empty one) and work on it outside the lock",
            confidence="heuristic" if kind in {"lock", "semaphore"} else "typed",
        )
        return
    outside = _cost(body, skip=tuple(owners))
    outside.statements = max(outside.statements - _ancestors(body, owners[0]), 0)
    if outside.calls and inside.weight < _WEIGHT_RATIO * outside.weight:
        return
    if not outside.calls and inside.weight < outside.weight:
        return
    name = unparse_short(at.func.value if isinstance(at, ast.Call) else at, 30)
    what = _what(kind)
    checker.report(
        RULE,
        at,
        f"{what} `{name}` is acquired and released on every pass of {_loop_phrase(loop)}"
        f" and held for most of it ({inside.statements} of "
        f"{inside.statements + outside.statements} statements): N acquire/release pairs and"
        f" threads take turns per item; take it once around the loop, or accumulate locally"
        f" and merge once",
        confidence="heuristic" if kind in {"lock", "semaphore"} else "typed",
    )


def _what(kind: str) -> str:
    return kind if kind in {"lock", "semaphore"} else f"`{kind[:-2].rsplit('.', 1)[-1]}`"


_TAKE_ONE = frozenset({"popleft", "pop", "get_nowait", "popitem"})


def _takes_one_item(locked: list[ast.stmt]) -> str | None:
    """The locked region removes one item from a shared container (``buffer.popleft()``,
    ``pending.pop(0)``): a drain loop that pays one acquire per item. ``pop(key)`` of a
    mapping takes a chosen entry, not the next one, and does not count."""
    for node in _walk_statements(locked, ()):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _TAKE_ONE
            and not node.keywords
            and (
                not node.args
                or (
                    node.func.attr == "pop"
                    and len(node.args) == 1
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value in (0, -1)
                )
            )
            and isinstance(node.func.value, (ast.Name, ast.Attribute))
        ):
            return unparse_short(node, 40)
    return None


def _loop_phrase(loop: Loop) -> str:
    return "the `while` loop" if loop.is_while else describe_loop(loop)


def _cost(statements: list[ast.stmt], skip: tuple[ast.AST, ...]) -> _Cost:
    cost = _Cost()
    for node in _walk_statements(statements, skip):
        if isinstance(node, ast.stmt):
            if not isinstance(node, _FREE) or (
                isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await))
            ):
                cost.statements += 1
        elif isinstance(node, ast.Call) and not _trivial(node):
            cost.calls += 1
    return cost


def _walk_statements(statements: list[ast.stmt], skip: tuple[ast.AST, ...]) -> Iterator[ast.AST]:
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        if any(node is owner for owner in skip):
            continue
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.append(child)


def _ancestors(body: list[ast.stmt], target: ast.AST) -> int:
    """Compound statements that merely contain the locked region (an ``if`` or ``try``
    around the ``with``): they are counted as outside work but are not."""
    for statement in body:
        if statement is target:
            return 0
        for node in ast.walk(statement):
            if node is target:
                return sum(
                    1
                    for parent in ast.walk(statement)
                    if isinstance(parent, (ast.If, ast.Try, ast.With, ast.AsyncWith))
                    and parent is not target
                    and any(child is target for child in ast.walk(parent))
                )
    return 0


def _trivial(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Name) and func.id in _TRIVIAL_CALLS


def _waits_on_lock(locked: list[ast.stmt]) -> bool:
    """``cond.wait()`` inside the region releases the lock: a producer/consumer handoff."""
    for node in _walk_statements(locked, ()):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"wait", "wait_for"}
        ):
            return True
    return False


def _acquired_region(
    loop: Loop, call: ast.Call, lock: str
) -> tuple[list[ast.stmt], list[ast.stmt]] | None:
    """The statements between ``lock.acquire()`` and its ``release()`` in the same block
    (a ``try`` whose ``finally`` releases counts as the region): (owners, locked)."""
    for block in _blocks(loop.node.body):  # type: ignore[attr-defined]
        for index, statement in enumerate(block):
            if not any(node is call for node in ast.walk(statement)):
                continue
            value = statement.value if isinstance(statement, ast.Expr) else None
            if isinstance(value, ast.Await):
                value = value.value
            if value is not call:
                return None  # ``if lock.acquire():`` and similar shapes: not measured
            region = []
            for following in block[index + 1 :]:
                if isinstance(following, ast.Try) and _releases(following.finalbody, lock):
                    return [statement, following], following.body
                if _releases([following], lock):
                    return [statement, *region, following], region
                region.append(following)
            return None
    return None


def _blocks(statements: list[ast.stmt]) -> Iterator[list[ast.stmt]]:
    yield statements
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            child = getattr(statement, field, None)
            if isinstance(child, list) and child and isinstance(child[0], ast.stmt):
                yield from _blocks(child)
        for handler in getattr(statement, "handlers", ()):
            yield from _blocks(handler.body)


def _releases(statements: list[ast.stmt], lock: str) -> bool:
    for statement in statements:
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "release"
                and ast.dump(node.func.value) == lock
            ):
                return True
    return False
