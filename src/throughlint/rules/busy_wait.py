"""## What it does
Finds `while` loops that spin on a flag or a queue without ever blocking: a body that is
only `pass` / `continue` (`while not done: pass`), a `get_nowait()` retried from an
`except queue.Empty: continue` handler, and a `time.sleep()` / `asyncio.sleep()` of a
millisecond or less in a loop that, while idle, does nothing else but check state.
Threads and asyncio alike.

A millisecond counts: a 1 ms poll waiting on a flag is still 1,000 wake-ups a second
while nothing happens. The duration is read where the source states it: a literal, a
module constant, a parameter's default, or an attribute every assignment of its class
gives a literal (`self._poll_wait = 0.0005` in `__init__`); a delay computed at run time
or one that grows (backoff) is not known, and the rule stays quiet. "Idle" means the
code a pass runs when its checks find nothing: the body of an `if` (or of an inner
`while`) whose test only checks state is the work done when there is some, so
`if queue: handle(queue.popleft())` next to a 0.1 ms sleep is still a spin. The branch
holding the sleep is the idle one; an `if` / `else` without the sleep runs one of its
branches on every pass, so a blocking call in either (`get_message(timeout=...)`) means
the loop waits.

Sleeps and the `Empty` exceptions are matched by qualified name (`time.sleep`,
`queue.Empty`, resolved through imports). Which calls only *check* state
(`empty()`, `is_set()`, `done()`, `poll()`, `get_nowait()` ...) is decided by the method
name alone, since the receiver's type is rarely visible; a call with any other name
counts as work, so the rule stays quiet.

## Why it hurts throughput
A spinning loop burns a whole core doing nothing. In a thread it also holds the GIL for
its switch interval, so the threads doing real work get less of it: the program's
throughput drops exactly while it waits for work. In asyncio, `await asyncio.sleep(0)`
in a polling loop keeps the event loop at 100% CPU and delays every other task's
callbacks.

## Example
```python
import queue

def drain(jobs: queue.Queue):
    while True:
        try:
            job = jobs.get_nowait()
        except queue.Empty:
            continue
        job()
```

## Use instead
```python
import queue

def drain(jobs: queue.Queue):
    while True:
        job = jobs.get()  # or get(timeout=...), Event.wait(), Condition.wait()
        job()
```

## Fix safety
No fix: the right blocking primitive depends on who sets the flag.

## Options
None.

## References
- https://docs.python.org/3/library/threading.html#event-objects
- https://docs.python.org/3/library/queue.html#queue.Queue.get
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from throughlint.rules.base import Rule
from throughlint.semantic.expressions import call_argument
from throughlint.semantic.literal_values import number_value

RULE = Rule(
    code="TL303",
    name="busy-wait",
    summary="A loop that spins on a flag or queue without blocking",
    triggers=("while",),
    preview=True,
    doc=__doc__ or "",
    bad=(
        """\
import threading

done = False

def wait_for_worker():
    while not done:  # expect: TL303
        pass
""",
        """\
import queue

def drain(jobs: queue.Queue):
    while True:
        try:
            job = jobs.get_nowait()  # expect: TL303
        except queue.Empty:
            continue
        job()
""",
        """\
import asyncio

async def wait_ready(state):
    while not state.ready():
        await asyncio.sleep(0)  # expect: TL303
""",
        """\
from time import sleep
from queue import Empty

def pump(inbox, handle):
    while True:
        try:
            handle(inbox.get(block=False))  # expect: TL303
        except Empty:
            pass
        sleep(0.0001)
""",
        """\
import asyncio


class SerialPoller:
    def __init__(self, port):
        self.port = port
        self._poll_wait = 0.0005

    async def poll(self, handle):
        while self.port.is_open:
            await asyncio.sleep(self._poll_wait)  # expect: TL303
            if self.port.in_waiting:
                handle(self.port.read(self.port.in_waiting))
""",
    ),
    good=(
        """\
import threading

done = threading.Event()

def wait_for_worker():
    done.wait()
""",
        """\
import queue

def drain(jobs: queue.Queue):
    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue.Empty:
            continue
        job()
""",
        """\
import time

def wait_ready(state):
    delay = 0.01
    while not state.ready():
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
""",
    ),
    near_miss=(
        """\
import asyncio

async def crunch(rows, handle):
    index = 0
    while index < len(rows):
        handle(rows[index])
        index += 1
        await asyncio.sleep(0)
""",
        """\
import time

def poll(job):
    while not job.done():
        time.sleep(0.05)
""",
        """\
class Empty(Exception):
    pass

def sleep(seconds):
    pass

def drain(jobs):
    while True:
        try:
            job = jobs.get_nowait()
        except Empty:
            continue
        sleep(0)
""",
        """\
import queue

def drain(jobs):
    while True:
        try:
            job = jobs.get_nowait()
        except queue.Empty:
            break
        job()
""",
        """\
def read_all(stream):
    while stream.readline():
        pass
""",
        """\
import time


class Poller:
    def __init__(self, interval=0.0005):
        self.interval = interval

    def run(self, sock, handle):
        while self.running:
            data = sock.recv(4096)
            if data:
                handle(data)
            time.sleep(self.interval)
""",
    ),
)

_SLEEPS = frozenset(
    {"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep"}
)
_EMPTY = frozenset(
    {"queue.Empty", "_queue.Empty", "asyncio.QueueEmpty", "asyncio.queues.QueueEmpty",
     "multiprocessing.queues.Empty", "janus.SyncQueueEmpty", "janus.AsyncQueueEmpty"}
)  # fmt: skip
# calls that only look at state and return at once (matched by method name)
_CHECKS = frozenset(
    {"empty", "full", "qsize", "is_set", "isSet", "done", "cancelled", "poll", "is_alive",
     "locked", "ready", "exists", "get_nowait", "time", "monotonic", "perf_counter", "len",
     "isinstance", "get"}
)  # fmt: skip
_SPIN_THRESHOLD = 0.001
"""A poll of a millisecond or less spins: 1,000 wake-ups a second or more while idle."""
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)
_TRIES = (ast.Try, *([ast.TryStar] if hasattr(ast, "TryStar") else []))


@RULE.on(ast.While)
def check(checker, node: ast.While) -> None:
    if all(_is_trivial(statement) for statement in node.body):
        if _only_checks(checker, [node.test], None):
            checker.report(
                RULE,
                node.test,
                "this loop spins without blocking: it burns a core (and the GIL) until the "
                "condition changes; wait on a `threading.Event` / `asyncio.Event` or a "
                "`Condition` instead",
            )
        return
    for call in _own_calls(node.body):
        name = checker.semantic.resolve(call.func)
        if (
            name in _SLEEPS
            and _spins(checker, call)
            and _only_checks(checker, [node.test, *node.body], call, idle=True)
        ):
            checker.report(
                RULE,
                call,
                f"`{name}()` of a millisecond or less in a polling loop spins: the loop burns a "
                "core waiting; block on an `Event`, a `Condition` or `queue.get(timeout=...)`, "
                "or back off",
            )
            return
    _check_get_nowait(checker, node)


def _check_get_nowait(checker, loop: ast.While) -> None:
    for position, statement in enumerate(loop.body):
        if not isinstance(statement, ast.Try):
            continue
        handler = _empty_handler(checker, statement)
        if handler is None:
            continue
        call = _nonblocking_get(statement.body)
        if call is None:
            continue
        ends = handler.body and isinstance(handler.body[-1], ast.Continue)
        path: list[ast.AST] = [loop.test, *loop.body[:position], *handler.body]
        if not ends:
            path += loop.body[position + 1 :]
        if _only_checks(checker, path, None, allow_sleep=True):
            checker.report(
                RULE,
                call,
                "a non-blocking get retried when the queue is empty spins: the loop burns a "
                "core while there is no work; use a blocking `get()` or `get(timeout=...)`",
            )
            return


def _empty_handler(checker, statement: ast.Try) -> ast.ExceptHandler | None:
    for handler in statement.handlers:
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(
            checker.semantic.resolve(kind) in _EMPTY for kind in types if kind is not None
        ) and all(
            isinstance(s, (ast.Pass, ast.Continue)) or _is_sleep(checker, s) for s in handler.body
        ):
            return handler
    return None


def _nonblocking_get(statements: list[ast.stmt]) -> ast.Call | None:
    for node in _own_nodes(statements):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get_nowait":
                return node
            if node.func.attr == "get" and _false(call_argument(node, 0, "block")):
                return node
    return None


def _false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _is_sleep(checker, statement: ast.stmt) -> bool:
    value = statement.value if isinstance(statement, ast.Expr) else None
    if isinstance(value, ast.Await):
        value = value.value
    return (
        isinstance(value, ast.Call)
        and checker.semantic.resolve(value.func) in _SLEEPS
        and _spins(checker, value)
    )


def _spins(checker, call: ast.Call) -> bool:
    """A sleep of at most a millisecond: a literal, or a constant, a parameter's default or
    an attribute every assignment of its class gives such a value (``self._poll_wait =
    0.0005``). A variable that may grow (backoff) is not known and does not count."""
    delay = call_argument(call, 0, "delay") or call_argument(call, 0, "seconds")
    value = number_value(checker.semantic, delay)
    return value is not None and 0 <= value <= _SPIN_THRESHOLD


def _only_checks(
    checker,
    parts: list[ast.AST],
    spin: ast.Call | None,
    allow_sleep: bool = False,
    idle: bool = False,
) -> bool:
    """Every call in ``parts`` only looks at state (a spinning sleep aside): nothing in
    the loop blocks or does work. With ``idle``, only the idle path counts: the code an
    ``if`` or an inner ``while`` runs when its check finds work is work done per item, not
    part of the wait."""
    for node in _idle_nodes(parts, spin) if idle else _own_nodes(parts):
        if isinstance(node, (*_LOOPS, ast.Yield, ast.YieldFrom)):
            return False
        if not isinstance(node, ast.Call) or node is spin:
            continue
        if isinstance(node.func, ast.Attribute):
            if node.func.attr == "get" and not _false(call_argument(node, 0, "block")):
                return False
            if node.func.attr in _CHECKS:
                continue
        name = checker.semantic.resolve(node.func)
        if allow_sleep and name in _SLEEPS and _spins(checker, node):
            continue
        if (
            name is not None
            and name.rsplit(".", 1)[-1] in _CHECKS
            and name.startswith(("builtins.", "time.", "os.path."))
        ):
            continue
        return False
    return True


def _own_calls(statements: list[ast.stmt]) -> Iterator[ast.Call]:
    for node in _own_nodes(statements):
        if isinstance(node, ast.Call):
            yield node


def _own_nodes(parts: list) -> Iterator[ast.AST]:
    """Nodes of ``parts`` outside nested functions and classes; nested loops are yielded
    but not entered."""
    stack = list(parts)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (*_NESTED, ast.For, ast.AsyncFor, ast.While)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _idle_nodes(parts: list, spin: ast.Call | None) -> Iterator[ast.AST]:
    """Nodes of ``parts`` a pass runs when there is nothing to do: the tests of ``if``
    statements (and their ``elif`` chain) and of inner ``while`` loops, not their bodies;
    not the ``except`` handlers of a ``try``. The branch holding ``spin`` is the idle one;
    a chain that ends in ``else`` and does not hold it runs one of its branches on every
    pass, so all of them count. Nested functions are not entered; an inner ``for`` loop is
    yielded (a loop over items is work)."""
    stack = list(parts)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If):
            branches: list[list[ast.stmt]] = []
            while True:
                stack.append(node.test)
                branches.append(node.body)
                chained = node.orelse[0] if len(node.orelse) == 1 else None
                if not isinstance(chained, ast.If):
                    branches.append(node.orelse)
                    break
                node = chained
            idle = [b for b in branches if spin is not None and _holds(b, spin)]
            if idle:
                stack.extend(idle[0])
            elif branches[-1]:  # a final ``else``: some branch runs on every pass
                stack.extend(statement for branch in branches for statement in branch)
            continue
        if isinstance(node, ast.While):
            stack.append(node.test)
            continue
        if isinstance(node, _TRIES):
            stack.extend([*node.body, *node.finalbody])
            continue
        yield node
        if isinstance(node, (*_NESTED, ast.For, ast.AsyncFor)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _holds(statements: list[ast.stmt], node: ast.AST) -> bool:
    return any(found is node for found in _own_nodes(statements))


def _is_trivial(statement: ast.stmt) -> bool:
    return isinstance(statement, (ast.Pass, ast.Continue)) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
    )
