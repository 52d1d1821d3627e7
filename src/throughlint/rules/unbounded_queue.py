"""## What it does
Finds queues created without a positive `maxsize`: `queue.Queue`, `LifoQueue` and
`PriorityQueue`, their `asyncio`, `multiprocessing` and `gevent.queue` counterparts (also
through a `multiprocessing` context or manager), and `queue.SimpleQueue`, which cannot be
bounded. A queue module or class imported through a project module counts too (`from
app._compat import queue`, where `_compat` imports `queue`, Python 2's `Queue` as its
`ImportError` fallback), once the project index says what that module binds; and so does
a project class named `...Queue` that runs a library queue's constructor (`class
EventQueue(SkipRepeatsQueue)`, `class SkipRepeatsQueue(queue.Queue)` in another module,
neither defining an `__init__` but one that hands its `maxsize=0` on to its base's),
once the index has followed its bases: with `--preview` only, as `heuristic`, because
on the accuracy benchmark such queues were as often bounded by what feeds them (a
connection pool's maintenance tasks) as not.

## Why it hurts throughput
An unbounded queue has no backpressure. When producers are faster than consumers, `put()`
never blocks, so the backlog grows until memory runs out, and every item waits behind all
the others: latency grows with the backlog while throughput stays capped by the consumers.
A bounded queue makes producers wait, keeping memory flat and latency predictable.

A queue bounded by how it is built stays clean: every `put` is in `__init__` (filled
once with a fixed set) or puts back an item taken from the same queue (a pool of idle
connections), or it is a `multiprocessing` queue that the function or class creating it
never puts into (its producers are child processes, one result per task handed to them).
Nor is a local queue that nothing puts into (a placeholder a stub waits on: no other
scope can name it). Nor is a queue that is not a pipe between threads: one never taken
from (`get()`) nor handed out, and read whole through `.queue` (a thread-safe list), one
created, filled and drained in a single function that hands it to no other call or nested
function (a heap), one filled only without waiting (`put_nowait()`) and emptied whole by
its owner on demand (`while not q.empty(): q.get_nowait()` in a method the file neither
starts as a thread or task nor calls from a loop: a transport's `write()` and `drain()`,
where a `maxsize` would make `write()` raise, not wait), or one whose producer compares
`qsize()` with a mark and there waits for a drain (`await flush()`), drains the queue
itself or pauses (`pauseProducing()`); only waking a consumer (`event.set()`) is no
backpressure.
Nor is a queue whose every producer is bounded: each put is a start or stop event (a
constant, an `object()` sentinel, the exception that ends the producer), comes after the
producer waited for room (`while used > budget: cond.wait()`), or runs a bounded number
of times: outside any `while` or `async for` loop, over items the producer makes itself
(a response it reads, a file it loads; not what its callers pass in), in a function run
once (a `Thread` subclass's `run`) or handed to a fixed number of threads, and not a
loop of the creating function feeding consumers already running; or it fills a local
queue before any thread or job starts and before the queue is handed to any call, the
workers only taking from it (also through a helper of the file that runs a function on
the arguments after it, as `submit` does, `self._spawn_worker(self._task, nodes)`, or
one defined elsewhere and named for starting work).

The default output reports a queue only with evidence of unbounded production, named in
the message: a put in an open-ended loop (`while`, `async for`), per item of a query, a
stream or the callers' collection, of each caller's item (a public method's parameter,
also through a private helper), in a function registered as a callback or the `put`
method itself handed out as one (one put per incoming message or connection), or a
consumer putting back work it discovers. A queue whose producers are out of view (handed
to another object or call, reached through another object other than to read its size or
take from it, a public module-level name,
or no put in the file) is still reported. A queue whose producers are all in view with
none of these shapes (a protocol's fixed events, a resource pool's returns of the objects
it handed out, a fixed set of workers, a retry schedule whose every put is in the
queue's own consumers: there a `maxsize` would make a consumer block on itself) is
reported only with `--preview`, as
`heuristic`. Other bounds the code does not show (a broker's prefetch, a client's
pending-bytes limit) are not seen; suppress the finding there.

## Example
```python
import queue

jobs = queue.Queue()
```

## Use instead
```python
import queue

jobs = queue.Queue(maxsize=1000)
```

## Fix safety
The fix sets `maxsize=<queue-maxsize>` (and turns `SimpleQueue()` into
`Queue(maxsize=...)`, importing `Queue` in the file's import style; the `SimpleQueue`
import stays, as other modules may import it from this one). It is unsafe: a
thread that fills a bounded queue before anything drains it blocks forever,
`SimpleQueue` is reentrant where `Queue` is not, and `isinstance(q, SimpleQueue)` turns
false. Declined in a module that puts without
waiting, or waits only so long (`put_nowait()`, `put(x, block=False)`,
`put(x, timeout=5)`): on a bounded queue that raises `Full` (`QueueFull`) where the
queue used to grow. Only the queue's own module is read: a `put_nowait()` on it from
another module is not seen (the fix is unsafe for that reason too).

## Options
- `queue-maxsize`: the size a fix would use.

## References
- https://docs.python.org/3/library/queue.html
- https://docs.python.org/3/library/asyncio-queue.html
"""

from __future__ import annotations

import ast
import sys
from dataclasses import replace

from throughlint.diagnostics import Applicability, Fix
from throughlint.fixes import QUEUE_MAXSIZE, SIMPLE_QUEUE
from throughlint.fixes.spelling import import_spelling, placement_problem
from throughlint.index.pending import add_pending
from throughlint.rules.base import FixAvailability, Rule
from throughlint.semantic.expressions import (
    call_argument,
    has_unknown_arguments,
    int_text,
    literal_int,
)
from throughlint.semantic.producers import bounded_by_construction
from throughlint.semantic.queue_evidence import unbounded_evidence

RULE = Rule(
    code="TL201",
    name="unbounded-queue",
    summary="Queue created without a positive maxsize: no backpressure",
    fix=FixAvailability.SOMETIMES,
    triggers=("Queue",),
    options=("queue-maxsize",),
    uses_index=True,
    doc=__doc__ or "",
    bad=(
        """\
import queue


class Connections:
    def __init__(self, connect, size):
        self._idle = queue.Queue()  # expect: TL201
        for _ in range(size):
            self._idle.put(connect())

    def give(self, connection):
        self._idle.put(connection)
""",
        """\
import multiprocessing


class Writer:
    def __init__(self):
        self.pending = multiprocessing.Queue()  # expect: TL201

    def write(self, record):
        self.pending.put(record)
""",
        """\
from gevent import queue


class Socket:
    def __init__(self):
        self.outbox = queue.Queue()  # expect: TL201
""",
        """\
import queue

jobs = queue.Queue()  # expect: TL201
""",
        """\
import asyncio

async def crawl(urls):
    pending = asyncio.Queue(maxsize=0)  # expect: TL201
    for url in urls:
        await pending.put(url)
""",
        """\
import multiprocessing as mp

ctx = mp.get_context("spawn")
results = ctx.Queue()  # expect: TL201
tasks = mp.get_context("fork").JoinableQueue(-1)  # expect: TL201
""",
        """\
from queue import SimpleQueue as Inbox

inbox = Inbox()  # expect: TL201
""",
        """\
from multiprocessing import Manager

with Manager() as manager:
    shared = manager.Queue()  # expect: TL201
""",
    ),
    good=(
        """\
import queue

jobs = queue.Queue(maxsize=1000)
""",
        """\
import asyncio

pending = asyncio.Queue(100)
""",
    ),
    near_miss=(
        """\
import asyncio


async def paid_invoices():
    placeholder: asyncio.Queue[str] = asyncio.Queue(0)  # nothing puts: it never grows
    while True:
        yield await placeholder.get()
""",
        """\
import asyncio


class Lifespan:
    def __init__(self):
        self.receive_queue = asyncio.Queue()  # two events: reported with --preview only

    async def startup(self):
        await self.receive_queue.put({"type": "lifespan.startup"})

    async def shutdown(self):
        await self.receive_queue.put({"type": "lifespan.shutdown"})

    async def receive(self):
        return await self.receive_queue.get()
""",
        """\
import queue


class Connections:
    def __init__(self, connect, size):
        self._idle = queue.Queue()
        for _ in range(size):
            self._idle.put(connect())

    def run(self, job):
        connection = self._idle.get()
        try:
            return job(connection)
        finally:
            self._idle.put(connection)
""",
        """\
import multiprocessing


def check_all(pool, tasks, check):
    results = multiprocessing.Manager().Queue()
    for task in tasks:
        pool.apply_async(check, [task, results])
    return [results.get() for _ in tasks]
""",
        """\
import queue
import threading


def check_all(compute):
    results = queue.Queue()

    def worker(number):
        results.put(compute(number))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    return [results.get() for _ in threads]
""",
        """\
from gevent import queue

def make(size):
    return queue.Queue(size)
""",
        """\
import queue

def make(size):
    return queue.Queue(maxsize=size)
""",
        """\
import queue
from myapp import settings

jobs = queue.Queue(settings.QUEUE_SIZE)
""",
        """\
import queue

def make(**options):
    return queue.Queue(**options)
""",
        """\
class Queue:
    pass

q = Queue()
""",
        """\
import multiprocessing

inbox = multiprocessing.SimpleQueue()
""",
    ),
)

_BOUNDABLE: frozenset[str] = frozenset(
    {
        "queue.Queue",
        "queue.LifoQueue",
        "queue.PriorityQueue",
        "asyncio.Queue",
        "asyncio.LifoQueue",
        "asyncio.PriorityQueue",
        "multiprocessing.Queue",
        "multiprocessing.JoinableQueue",
        "multiprocessing.Manager().Queue",
        "multiprocessing.Manager().JoinableQueue",
        "multiprocessing.managers.SyncManager().Queue",
        "multiprocessing.managers.SyncManager().JoinableQueue",
        "gevent.queue.Queue",
        "gevent.queue.JoinableQueue",
        "gevent.queue.LifoQueue",
        "gevent.queue.PriorityQueue",
    }
)
_UNBOUNDABLE: frozenset[str] = frozenset({"queue.SimpleQueue"})
_STDLIB = frozenset(sys.stdlib_module_names)
_ADVICE = "pass `maxsize=` for backpressure"


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    name = checker.semantic.resolve(node.func)
    if name is None:
        return
    if name not in _BOUNDABLE and name not in _UNBOUNDABLE:
        _reexported(checker, node, name)
        return
    if name in _UNBOUNDABLE:
        confidence, why = _evidence(checker, node)
        if confidence is None:
            return
        checker.report(
            RULE,
            node,
            _message(name, None, why),
            _simple_queue_fix(checker, node) if not node.args and not node.keywords else None,
            confidence=confidence,
        )
        return
    found = _unbounded(checker, node, name)
    if found is not None:
        size, confidence, why = found
        checker.report(
            RULE, node, _message(name, size, why), _size_fix(checker, size), confidence=confidence
        )


def _unbounded(checker, node: ast.Call, name: str) -> tuple[int | None, str, str] | None:
    """A queue its size leaves unbounded, with evidence of unbounded production: its
    ``maxsize`` (``_unbounded_size``), and the evidence's confidence and clause."""
    if has_unknown_arguments(node):
        return None
    size = _unbounded_size(checker, node, name)
    if size is None:
        return None
    confidence, why = _evidence(checker, node)
    return None if confidence is None else (size[0], confidence, why)


def _unbounded_size(checker, node: ast.Call, name: str) -> tuple[int | None] | None:
    """The queue's ``maxsize`` when it leaves the queue unbounded (``(None,)``: none given,
    else the literal 0 or less); None for a positive or unknown size, or a queue bounded
    by how it is built."""
    size = call_argument(node, 0, "maxsize")
    if size is None:
        if bounded_by_construction(checker.semantic, node, name) is not None:
            return None
        return (None,)
    value = literal_int(size)
    return None if value is None or value > 0 else (value,)


def _message(name: str, size: int | None, why: str, subclass: str | None = None) -> str:
    """The finding for a queue of the library class ``name`` (made through the project
    class ``subclass``, when given): one that cannot be bounded, or its ``maxsize`` (None:
    not given)."""
    made = _short(name)
    if subclass:
        made = f"{subclass.rpartition('.')[2]}"
    kind = f" (a `{_short(name)}`)" if subclass else ""
    if name in _UNBOUNDABLE:
        return (
            f"`{made}()`{kind} cannot be bounded: producers never wait, so the backlog "
            f"(memory and latency) grows without limit{why}; use `queue.Queue(maxsize=...)` "
            "instead"
        )
    if size is None:
        return (
            f"unbounded `{made}()`{kind}: producers never wait, so when consumers fall behind "
            f"the backlog grows without limit (memory, latency){why}; {_ADVICE}"
        )
    return (
        f"`{made}(maxsize={int_text(size)})`{kind} is unbounded (a size of 0 or less means "
        f"no limit){why}; {_ADVICE}"
    )


def _size_fix(checker, size: int | None) -> Fix:
    fix = _fix(
        checker, QUEUE_MAXSIZE, "add `maxsize={size}`" if size is None else "set `maxsize={size}`"
    )
    memo = checker.semantic.memo("TL201.puts_without_waiting")  # one walk of the module
    if checker.tree not in memo:
        memo[checker.tree] = _put_without_waiting(checker.tree)
    put = memo[checker.tree]
    if put:
        why = f"this module puts without waiting (`{put}`): on a bounded queue that raises "
        return replace(fix, kind="", declined=why + "`Full` where the queue used to grow")
    return fix


def _put_without_waiting(tree: ast.AST) -> str:
    """``put_nowait(...)``, ``put(x, block=False)``, ``put(x, False)`` or a put that waits
    only so long (``put(x, timeout=5)``, ``put(x, True, 5)``) in the module (on any
    receiver: which queue it is, is not known here); "" when there is none."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr == "put_nowait":
            return "put_nowait()"
        if node.func.attr != "put":
            continue
        block = call_argument(node, 1, "block")
        if isinstance(block, ast.Constant) and block.value is False:
            return "put(..., block=False)"
        timeout = call_argument(node, 2, "timeout")
        if timeout is not None and not (
            isinstance(timeout, ast.Constant) and timeout.value is None
        ):
            return "put(..., timeout=...)"
    return ""


_QUEUE_CLASSES = frozenset(name.rpartition(".")[2] for name in _BOUNDABLE | _UNBOUNDABLE)


def _reexported(checker, node: ast.Call, name: str) -> None:
    """``queue.Queue()`` with ``queue`` imported from a project module
    (``from app._compat import queue``), or a project class named like a queue
    (``EventQueue()``, ``class EventQueue(SkipRepeatsQueue)``, ``class
    SkipRepeatsQueue(queue.Queue)``): what that module binds, or which library queue the
    class constructs, is the index's to say (``check_reexported``); the walk gathers the
    rest."""
    module, _, constructor = name.rpartition(".")
    if not module or module.split(".", 1)[0] in _STDLIB:
        return
    if constructor not in _QUEUE_CLASSES and not constructor.endswith("Queue"):
        return
    found = _unbounded(checker, node, name)
    if found is None:
        return
    size, confidence, why = found
    if confidence == "heuristic" and not checker.settings.heuristics:
        return  # as ``checker.report`` would: the preview tier
    fix = _size_fix(checker, size)
    add_pending(
        checker,
        node,
        "queue-reexport",
        callee=name,
        size=size,
        why=why,
        confidence=confidence,
        preview=checker.settings.preview,
        fix=[fix.applicability.value, fix.description, fix.kind, fix.declined],
    )


@RULE.on_project("queue-reexport")
def check_reexported(index, pending: dict) -> list:
    """A queue made through a project module's re-export, once the index says which
    library class it is (a ``SimpleQueue`` gets no fix: its replacement needs an import)."""
    name = index.attribute_values.follow(
        pending["callee"], lambda value: value if value in _BOUNDABLE | _UNBOUNDABLE else None
    )
    subclass, confidence = None, pending["confidence"]
    if name is None:  # a project class that runs a library queue's constructor
        if not pending["preview"]:
            return []  # below the bar on the benchmark: ``--preview`` only
        subclass = pending["callee"]
        name = index.inherited_constructor(subclass, _BOUNDABLE | _UNBOUNDABLE)
        confidence = "heuristic"
    if name is None:
        return []
    message = _message(name, pending["size"], pending["why"], subclass)
    if name in _UNBOUNDABLE:
        return [(message, None, None, confidence)]
    applicability, description, kind, declined = pending["fix"]
    fix = Fix(Applicability(applicability), description, kind, declined)
    return [(message, None, fix, confidence)]


def _evidence(checker, node: ast.Call) -> tuple[str | None, str]:
    """How sure the finding is, and why (a clause for the message). ``typed``: a producer
    the file shows is unbounded, or the producers are out of its view; ``heuristic``
    (``--preview`` only): every producer in view is bounded in no way the file shows, and
    none looks unbounded either."""
    evidence = unbounded_evidence(checker.semantic, node)
    if evidence.reason is not None:
        return "typed", f" ({evidence.reason})"
    if evidence.unseen:
        return "typed", ""
    if checker.settings.preview:
        return "heuristic", " (no producer in view is unbounded: reported with `--preview` only)"
    return None, ""


def _fix(checker, kind: str, description: str) -> Fix:
    size = checker.settings.queue_maxsize
    return Fix(Applicability.UNSAFE, description.format(size=size), kind=kind)


def _simple_queue_fix(checker, node: ast.Call) -> Fix:
    """``Queue(maxsize=...)`` in place of ``SimpleQueue()``; declined when the module can
    name ``queue.Queue`` only by shadowing a name of its own."""
    fix = _fix(checker, SIMPLE_QUEUE, "replace with `Queue(maxsize={size})`")
    if isinstance(node.func, ast.Name) and (
        import_spelling(checker.tree, "queue", "Queue", module_fallback=True) is None
    ):
        return replace(
            fix,
            kind="",
            declined=placement_problem(checker.tree, "queue")
            or "the module cannot name `queue.Queue`: the name its imports give it is bound "
            "again in the module, or importing `Queue` or `queue` would shadow a name",
        )
    return fix


def _short(name: str) -> str:
    return name.replace("multiprocessing.Manager()", "Manager()").replace(
        "multiprocessing.managers.SyncManager()", "SyncManager()"
    )
