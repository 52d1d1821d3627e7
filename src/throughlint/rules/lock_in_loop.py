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
however much work follows: every item costs an acquire that the producers contend for. A
blocking `get()` whose loop returns the item it takes (`popleft()` then `return`) is
not a drain.
The lock can be taken in a method of the same class whose whole body holds it: `self[key]`
(`__getitem__`), `key in self`, `self[key] = value`, `self.put(item)` or
`self.set(key, value)` once per item of a loop (the call itself is not counted as the
loop's own work), or a `while` loop that drains through a locked `self._pop()`; so can a
module-level function of the same file whose whole body holds a module-level lock
(`record(name)`), and a method of an instance of a class of the same file whose whole
body holds that instance's lock (`self._cache.get(key)`, `self._cache = LockedDict()`;
not a local this function has just made, which no other thread can hold yet). Through
the project index, the same holds for a function of another file: a method whose whole
body holds its instance's lock (`CACHE.get(k)`, `CACHE` a `LockedCache` of another
module) or a module function holding its module's lock (`record(name)` imported). Not
reported there: a caller that holds the lock already, a method that also calls another
package (the round trip is the cost), and `__init__` filling the instance before any
other thread sees it.
Neither form is reported in a function named for start-up (`init`, `setup_*`, `install*`,
`configure*`, `bootstrap*`, `initialize*`): it runs once, over a configured handful.

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
import bisect

from throughlint.rules.base import Rule
from throughlint.semantic.concurrency import (
    calls_out,
    excludes_others,
    fresh_receiver,
    lock_type,
    locked_call,
    loop_waits,
    mentions_lock,
    not_per_item,
)
from throughlint.semantic.expressions import tree_key, unparse_short, walk_same_function
from throughlint.semantic.loops import Loop, LoopKind, describe_loop
from throughlint.semantic.statement_cost import (
    NOTHING,
    ONE_CALL,
    ONE_STATEMENT,
    Cost,
    statements_cost,
)

RULE = Rule(
    code="TL301",
    name="lock-in-loop",
    summary="Lock acquired on every loop pass around most of the loop body",
    triggers=("lock", "Lock", "mutex", "sem", "Semaphore", "cond", "Condition", "CapacityLimiter"),
    mentions=mentions_lock,  # ``lock``, not ``block`` / ``clock``; ``sem``, not ``semantic``
    doc=__doc__ or "",
    uses_index=True,
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
        """\
import threading


class Settings:
    def __init__(self):
        self._lock = threading.RLock()
        self._values = {}

    def set(self, key, value):
        with self._lock:
            self._values[key] = value

    def update(self, values):
        for key, value in values.items():
            self.set(key, value)  # expect: TL301
""",
        """\
import threading

_lock = threading.Lock()
_counts = {}


def count(name):
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1


def count_all(names):
    for name in names:
        count(name)  # expect: TL301


class LockedDict:
    def __init__(self):
        self._lock = threading.Lock()
        self._data = {}

    def get(self, key):
        with self._lock:
            return self._data.get(key)


class Service:
    def __init__(self):
        self._cache = LockedDict()

    def lookup(self, keys):
        return [self._cache.get(key) for key in keys]  # expect: TL301
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
import threading

_slots = threading.Semaphore(8)
_lock = threading.Lock()
_counts = {}


def throttled(name):
    with _slots:
        _counts[name] = _counts.get(name, 0) + 1


def count(name):
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1


def count_all(names):
    for name in names:
        throttled(name)
    with _lock:
        for name in names:
            count(name)


class Lock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Box:
    def __init__(self):
        self._lock = Lock()
        self._items = []

    def put(self, item):
        with self._lock:
            self._items.append(item)


def fill(box: Box, items):
    box = Box()
    for item in items:
        box.put(item)


class Bag:
    def __init__(self):
        self._lock = threading.Lock()
        self._items = []

    def put(self, item):
        with self._lock:
            self._items.append(item)


def merged(items):
    bag = Bag()
    for item in items:
        bag.put(item)
    return bag
""",
        """\
import threading


class Settings:
    def __init__(self):
        self._lock = threading.RLock()
        self._values = {}

    def set(self, key, value):
        with self._lock:
            self._values[key] = value

    def load(self, lines, parse, check):
        for line in lines:
            key, value = parse(line)
            check(key, value)
            self.set(key.strip(), value)
""",
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
_WEIGHT_RATIO = 3
_AROUND = (ast.If, ast.Try, ast.With, ast.AsyncWith)


@RULE.on(ast.With, ast.AsyncWith)
def check_with(checker, node: ast.With | ast.AsyncWith) -> None:
    model = checker.semantic
    loop = model.hot_loop(include_while=True)
    if loop is None or loop.kind is LoopKind.COMPREHENSION:
        return
    for item in node.items:
        kind = lock_type(model, item.context_expr)
        if kind is not None and excludes_others(model, item.context_expr, kind):
            # compound statements around the ``with`` only contain the locked region
            around = model.fold_path(loop.node, "TL301.around", 0, _count_around)
            _judge(checker, loop, item.context_expr, kind, [node], node.body, around)
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
    region = _acquired_region(model, loop, node, tree_key(func.value))
    if region is not None:
        _judge(checker, loop, node, kind, *region, 0)


@RULE.on(ast.Call, ast.Subscript, ast.Compare)
def check_locked_method(checker, node: ast.AST) -> None:
    """``self[key]``, ``self.put(item)``: a method of this class whose whole body holds
    the instance's lock, run on every pass of a loop. The acquire is in the method, but
    the loop pays it per item: ``values()`` built from ``self[key]`` for each key, or a
    drain loop that pops one item per call of a locked ``_pop()``."""
    model = checker.semantic
    loop = model.hot_loop(include_while=True)
    if loop is None:
        return
    found = locked_call(model, node)
    if found is None or model.function is found.function:
        return
    name, method = found.name, found.function
    lock, kind, region = found.lock, found.kind, found.region
    held = tree_key(lock)
    if found.same_lock_at_call and any(
        tree_key(item.context_expr) == held for item in model.frame.withs
    ):
        return  # the caller holds it already: the method's acquire is a re-entry
    if not found.same_lock_at_call and fresh_receiver(model, node):
        return  # ``out = BigArray(); for x in xs: out.append(x)``: no other thread has it
    if not_per_item(model, loop) is not None or _waits_on_lock(model, region):
        return
    inside = statements_cost(model, region)
    if not inside.weight:
        return
    shown = unparse_short(lock, 30)
    call = unparse_short(node, 30)
    confidence = _confidence(kind)
    if loop.is_while:
        taken = _takes_one_item(region)
        if taken is None:
            return
        checker.report(
            RULE,
            node,
            f"`{call}` takes {_what(kind)} `{shown}` in `{name}()` to remove one item "
            f"(`{taken}`) on every pass of the `while` loop: N acquire/release pairs, and "
            f"producers wait on every one; take everything queued at once under one acquire "
            f"and work on it outside the lock",
            confidence=confidence,
        )
        return
    if _while_constructing(model) or _start_up(model):
        return  # ``__init__`` copying its input: no other thread can hold the lock yet
    if calls_out(model, method, region):
        return  # the method does real work of its own (a client call): the acquire is noise
    if loop.kind is not LoopKind.COMPREHENSION:
        known = model.memo("TL301.body")
        if loop.node not in known:
            known[loop.node] = statements_cost(model, loop.node.body)  # type: ignore[attr-defined]
        if inside.weight < (known[loop.node] - _call_cost(model, node)).weight:
            return  # the loop does more of its own than the locked method does
    checker.report(
        RULE,
        node,
        _holds_whole_body(
            f"`{call}` runs `{name}()`, which",
            kind,
            shown,
            _loop_phrase(loop),
            "take the lock once around the loop and use the underlying data directly, or "
            "add a method that does the whole batch under one acquire",
        ),
        confidence=confidence,
    )


@RULE.on_project("call")
def check_locked_helper(index, pending: dict) -> list:
    """A loop calls, once per item, a project function of another file whose whole body
    holds one lock (``for k in keys: cache.get(k)``, ``cache`` a ``LockedCache`` of
    another module; ``record(name)`` holding its module's lock): the index knows the
    function (fact ``lk``), the walk of the loop's file does not."""
    if pending.get("local") or pending.get("fresh") or pending.get("shape"):
        return []  # this file's own (the walk's), a fresh object, a retry or a poll
    caller = pending.get("fn", "").rpartition(".")[2].lower().strip("_")
    if caller == "init" or caller.startswith(_START_UP):
        return []  # filling an object before other threads see it, or start-up
    record = index.locked_function(pending["callee"])
    if record is None:
        return []
    lock, kind, weight, calls_another_package = record
    if calls_another_package:
        return []  # the method does real work of its own (a client call)
    own = pending.get("pass")
    cost = (ONE_CALL if pending.get("kept") else ONE_STATEMENT + ONE_CALL).weight
    if own is not None and weight < own - cost:
        return []  # the loop does more of its own than the locked function does
    name = pending["callee"].replace("()", "").split(".")
    shown = ".".join(name[-2:]) if name[-2:-1] and name[-2][:1].isupper() else name[-1]
    call = f"`{pending['text']}()`"
    runs = call if shown == pending["text"] else f"{call} runs `{shown}()`, which"
    remedy = "add a function that does the whole batch under one acquire"
    message = _holds_whole_body(runs, kind, lock, pending["loop"], remedy)
    return [(message, None, None, _confidence(kind))]


def _holds_whole_body(subject: str, kind: str, lock: str, loop: str, remedy: str) -> str:
    """TL301's message for a function whose whole body holds ``lock``, called per item."""
    return (
        f"{subject} holds {_what(kind)} `{lock}` for its whole body, on every pass of {loop}: "
        f"N acquire/release pairs for one read or write each; {remedy}"
    )


def _confidence(kind: str) -> str:
    """A lock known only by its name (``lock``, ``semaphore``) is the heuristic tier."""
    return "heuristic" if kind in {"lock", "semaphore"} else "typed"


_START_UP = ("setup", "set_up", "install", "bootstrap", "configure", "initiali")


def _start_up(model) -> bool:
    """A function named for start-up (``init``, ``setup_integrations``, ``install``,
    ``configure``...): it runs once, over the configured handful, before the hot path
    starts; its per-item acquires do not contend. A heuristic by name (``register_all``
    is not one: registration also happens at run time)."""
    function = model.function
    name = getattr(function, "name", "").lower().lstrip("_")
    return name == "init" or name.startswith(_START_UP)


def _while_constructing(model) -> bool:
    """The caller is ``__init__``, or a private method only ``__init__`` calls: the
    instance is not shared with other threads yet."""
    function = model.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not model.classes:
        return False
    if function.name == "__init__":
        return True
    if not function.name.startswith("_"):
        return False
    known = model.memo("TL301.init_only")
    owner = model.classes[-1]
    if owner not in known:
        known[owner] = _init_only_methods(owner)
    return function.name in known[owner]


def _init_only_methods(owner: ast.ClassDef) -> frozenset[str]:
    """Private methods of the class called through ``self`` from ``__init__`` only."""
    callers: dict[str, set[str]] = {}
    for method in owner.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in walk_same_function(method):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr.startswith("_")
            ):
                callers.setdefault(node.attr, set()).add(method.name)
    return frozenset(name for name, where in callers.items() if where == {"__init__"})


def _lock_text(at: ast.AST) -> str:
    """The lock as written: ``self._lock`` of ``self._lock.acquire()``, or the ``with``
    item itself (``self._lock``, ``self._locked()``)."""
    acquire = isinstance(at, ast.Call) and getattr(at.func, "attr", None) == "acquire"
    return unparse_short(at.func.value if acquire else at, 30)  # type: ignore[attr-defined]


def _count_around(count: int, parent: ast.AST, child: ast.AST) -> int:
    return count + isinstance(parent, _AROUND)


def _judge(checker, loop: Loop, at: ast.AST, kind: str, owners, locked, around: int) -> None:
    """Report when the locked statements are most of the loop pass."""
    model = checker.semantic
    if loop_waits(model, loop) or _waits_on_lock(model, locked) or _start_up(model):
        return
    body: list[ast.stmt] = loop.node.body  # type: ignore[attr-defined]
    inside = statements_cost(model, locked)
    if not inside.weight:
        return  # ``with lock: pass``: a barrier, not a critical section
    taken = _takes_one_item(locked) if loop.is_while else None
    if taken is not None and _returns(locked):
        return  # ``get()``: the pass that takes an item returns it; not a drain loop
    if taken is not None:
        name = _lock_text(at)
        checker.report(
            RULE,
            at,
            f"{_what(kind)} `{name}` is acquired on every pass of the `while` loop to take one"
            f" item (`{taken}`): N acquire/release pairs, and producers wait on every one;"
            f" take everything queued at once under one acquire (swap the buffer for an"
            f" empty one) and work on it outside the lock",
            confidence=_confidence(kind),
        )
        return
    known = model.memo("TL301.body")  # every lock in the loop asks about the same body
    if loop.node not in known:
        known[loop.node] = statements_cost(model, body)
    outside = known[loop.node] - statements_cost(model, owners)
    outside = Cost(max(outside.statements - around, 0), outside.calls)
    if outside.calls and inside.weight < _WEIGHT_RATIO * outside.weight:
        return
    if not outside.calls and inside.weight < outside.weight:
        return
    name = _lock_text(at)
    what = _what(kind)
    checker.report(
        RULE,
        at,
        f"{what} `{name}` is acquired and released on every pass of {_loop_phrase(loop)}"
        f" and held for most of it ({inside.statements} of "
        f"{inside.statements + outside.statements} statements): N acquire/release pairs and"
        f" threads take turns per item; take it once around the loop, or accumulate locally"
        f" and merge once",
        confidence=_confidence(kind),
    )


def _what(kind: str) -> str:
    return kind if kind in {"lock", "semaphore"} else f"`{kind[:-2].rsplit('.', 1)[-1]}`"


_TAKE_ONE = frozenset({"popleft", "pop", "get_nowait", "popitem"})


def _takes_one_item(locked: list[ast.stmt]) -> str | None:
    """The locked region removes one item from a shared container (``buffer.popleft()``,
    ``pending.pop(0)``): a drain loop that pays one acquire per item. ``pop(key)`` of a
    mapping takes a chosen entry, not the next one, and does not count."""
    for node in (inner for statement in locked for inner in ast.walk(statement)):
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


def _returns(locked: list[ast.stmt]) -> bool:
    """The region returns a value (the item it took); a bare ``return`` when the buffer is
    empty is how a drain loop ends."""
    return any(
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        for statement in locked
        for node in walk_same_function(statement)
    )


def _call_cost(model, node: ast.AST) -> Cost:
    """What the call of the locked method itself adds to its loop's body: the call, and
    its statement when the call is all the statement does (``self.set(k, v)``)."""
    statement = model.node_stack[-1] if model.node_stack else None
    if isinstance(statement, ast.Expr) and statement.value is node:
        return ONE_STATEMENT + ONE_CALL
    return ONE_CALL if isinstance(node, ast.Call) else NOTHING


def _loop_phrase(loop: Loop) -> str:
    return "the `while` loop" if loop.is_while else describe_loop(loop)


def _waits_on_lock(model, locked: list[ast.stmt]) -> bool:
    """``cond.wait()`` inside the region releases the lock: a producer/consumer handoff."""
    return statements_cost(model, locked).waits


def _acquired_region(
    model, loop: Loop, call: ast.Call, lock: str
) -> tuple[list[ast.stmt], list[ast.stmt]] | None:
    """The statements between ``lock.acquire()`` and its ``release()`` in the loop's body
    (a ``try`` whose ``finally`` releases counts as the region): (owners, locked). Only an
    ``acquire()`` that is a statement of the body itself is measured."""
    statement = model.fold_path(loop.node, "TL301.statement", None, _body_statement)
    index = model.loop_facts(loop).body_index(statement) if statement is not None else None
    if index is None:
        return None
    value = statement.value if isinstance(statement, ast.Expr) else None
    if isinstance(value, ast.Await):
        value = value.value
    if value is not call:
        return None  # ``if lock.acquire():`` and similar shapes: not measured
    body: list[ast.stmt] = loop.node.body  # type: ignore[attr-defined]
    releases = _releases_by_lock(model, loop).get(lock, [])
    at = bisect.bisect_right(releases, index)
    if at == len(releases):
        return None
    end = releases[at]
    following = body[end]
    if isinstance(following, ast.Try) and _releases(following.finalbody, lock):
        return [statement, following], following.body
    return [statement, *body[index + 1 : end], following], body[index + 1 : end]


def _body_statement(found: ast.AST | None, parent: ast.AST, child: ast.AST) -> ast.AST:
    return child if found is None else found


def _releases_by_lock(model, loop: Loop) -> dict[str, list[int]]:
    """For each lock (by ``ast.dump`` of the expression), the positions of the loop body's
    statements that release it somewhere inside; worked out once per loop."""
    known = model.memo("TL301.releases")
    found = known.get(loop.node)
    if found is None:
        found = known[loop.node] = {}
        for index, statement in enumerate(loop.node.body):  # type: ignore[attr-defined]
            for lock in {_released(node) for node in ast.walk(statement)} - {None}:
                found.setdefault(lock, []).append(index)
    return found


def _released(node: ast.AST) -> str | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "release"
    ):
        return tree_key(node.func.value)
    return None


def _releases(statements: list[ast.stmt], lock: str) -> bool:
    return any(_released(node) == lock for statement in statements for node in ast.walk(statement))
