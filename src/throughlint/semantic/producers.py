"""Who puts into a queue, as far as the scope that creates it shows: the function for a
local name, the class for ``self.attr``. Some queues are bounded by how they are built
(issue 12, class 7):

- ``recycled``: every ``put`` is in the constructor (filled once with a fixed set) or
  puts back an item taken from the same queue in the same function (a pool of idle
  connections);
- ``workers``: a process queue its creating scope never puts into: the producers are
  child processes, one result per task handed to them;
- ``list``: filled but never taken from, never handed out, and read whole through
  ``.queue`` (a thread-safe list);
- ``buffer``: never handed out, filled only without waiting (``put_nowait()``) and
  emptied whole by its owner (``while not q.empty(): q.get_nowait()``): no consumer
  waits on it, so it is a buffer flushed when its owner says (a transport's ``write()``
  and ``drain()``), not a pipe; a ``maxsize`` would make ``write()`` raise, not wait;
- ``local``: created, filled and drained in one function that hands it to no other
  call or nested function (a heap or a work list of one thread);
- ``backpressure``: the producer compares ``qsize()`` with a mark and then waits for a
  drain (``await``), drains itself or pauses its own producer.
"""

from __future__ import annotations

import ast

from throughlint.semantic.expressions import call_argument
from throughlint.semantic.model import SemanticModel
from throughlint.semantic.put_sites import bounded_producers
from throughlint.semantic.scope_uses import UseIndex, same_holder, use_index

_PUTS = frozenset({"put", "put_nowait"})
_GETS = frozenset({"get", "get_nowait"})
_PROCESS_QUEUES = ("multiprocessing.",)


def bounded_by_construction(model: SemanticModel, call: ast.Call, name: str) -> str | None:
    """Why the queue ``call`` creates cannot grow without limit, or None."""
    target, scope = _target(model, call)
    if target is None or scope is None:
        return None
    index = use_index(model)
    uses = [use for use in index.uses_of(target, scope) if use is not target]
    puts = _calls(index, uses, _PUTS)
    if not puts:
        if name.startswith(_PROCESS_QUEUES):
            return "workers"
        return "producers" if bounded_producers(model, scope, target) else None
    kept = _kept_in_scope(index, scope, target, uses) and not name.startswith(_PROCESS_QUEUES)
    if kept and not _calls(index, uses, _GETS) and _read_whole(index, uses):
        return "list"  # filled, never taken from: read whole through ``.queue``
    if kept and _flushed_buffer(index, uses, puts, target):
        return "buffer"  # filled without waiting, emptied whole by its owner: no consumer
    if kept and isinstance(target, ast.Name):
        return "local"  # filled and drained in one function, no other thread: a heap
    if _size_checked(index, uses, target):
        return "backpressure"  # ``if q.qsize() >= limit: flush()``: the producer waits
    if bounded_producers(model, scope, target):
        return "producers"  # every put is a sentinel, waits for room or runs a bounded count
    if isinstance(target, ast.Name):
        return None  # a local queue filled in its own function: nothing to tell apart
    for put in puts:
        function = _enclosing_def(index, put)
        if function is None:
            return None
        if function.name == "__init__":
            continue
        if not _puts_back(function, put, target):
            return None
    return "recycled"


def _target(model: SemanticModel, call: ast.Call) -> tuple[ast.expr | None, ast.AST | None]:
    """The name or ``self.attr`` the queue is assigned to (the statement being visited),
    and the scope to search."""
    function = model.function
    if function is None or not model.node_stack:
        return None, None
    node = model.node_stack[-1]
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value = node.target, node.value
    else:
        return None, None
    if value is not call and not (
        isinstance(value, ast.IfExp) and call in (value.body, value.orelse)
    ):
        return None, None
    if isinstance(target, ast.Name):
        return target, function
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
        and model.classes
    ):
        return target, model.classes[-1]
    return None, None


_KEPT_USES = frozenset(
    {"put", "put_nowait", "get", "get_nowait", "empty", "full", "qsize", "queue"}
)


def _kept_in_scope(index: UseIndex, scope: ast.AST, target: ast.expr, uses: list) -> bool:
    """Every use of the queue in ``scope`` is one of its own methods (or ``.queue``): it
    is never handed to another call, returned, stored elsewhere or used in a nested
    function (a thread's target, a task), so no other thread or task sees it."""
    attribute_target = isinstance(target, ast.Attribute)
    for node in uses:
        parent = index.parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr in _KEPT_USES:
            if not attribute_target and index.function_of(node) is not scope:
                return False  # a local queue a nested function touches: another thread
            continue
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and _target_of(parent) is node:
            continue  # (re)created
        return False
    return True


def _read_whole(index: UseIndex, uses: list) -> bool:
    """``q.queue`` read somewhere in the scope (the deque behind the queue)."""
    return any(
        isinstance(parent := index.parents.get(node), ast.Attribute) and parent.attr == "queue"
        for node in uses
    )


def _flushed_buffer(index: UseIndex, uses: list, puts: list[ast.Call], target: ast.expr) -> bool:
    """Every put is ``put_nowait()`` (or ``put(x, block=False)``) and every take a
    ``get_nowait()`` in a ``while`` loop whose test asks whether this queue is empty
    (``while not q.empty():``, ``while q.qsize():``): the owner empties it at once, no
    consumer waits for items."""
    if not all(_without_waiting(put, "put_nowait", 1) for put in puts):
        return False
    gets = _calls(index, uses, _GETS)
    return bool(gets) and all(
        _without_waiting(get, "get_nowait", 0)
        and (loop := _emptiness_loop(index, get, target)) is not None
        and _flushed_on_demand(index, loop)
        for get in gets
    )


def _without_waiting(call: ast.Call, nowait: str, block_at: int) -> bool:
    """``q.put_nowait(x)`` / ``q.get_nowait()``, or ``block=False`` (also positional)."""
    assert isinstance(call.func, ast.Attribute)
    if call.func.attr == nowait:
        return True
    block = call_argument(call, block_at, "block")
    return isinstance(block, ast.Constant) and block.value is False


def _emptiness_loop(index: UseIndex, node: ast.AST, target: ast.expr) -> ast.While | None:
    """The nearest ``while`` around ``node``, with ``node`` in its body and a test that
    calls this queue's ``empty()`` or ``qsize()``; None for any other place."""
    child, at = node, index.parents.get(node)
    while at is not None and not isinstance(at, (ast.While, *_SCOPES)):
        child, at = at, index.parents.get(at)
    if not isinstance(at, ast.While) or child not in at.body:
        return None
    asks = any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("empty", "qsize")
        and same_holder(call.func.value, target)
        for call in ast.walk(at.test)
    )
    return at if asks else None


def _flushed_on_demand(index: UseIndex, loop: ast.While) -> bool:
    """The emptying loop runs when its method is called: it is in no other loop of the
    method, and the file calls the method only directly and outside loops (not started
    as a thread or task, not handed out, not polled from a loop): a flush its callers
    ask for, not a consumer running on its own."""
    function = index.function_of(loop)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if any(isinstance(at, _LOOPS) for at in index.ancestors(loop, function)):
        return False
    for key in ("n:" + function.name, "a:" + function.name):
        for use in index.uses.get(key, ()):
            if isinstance(use, ast.Attribute) and not (
                isinstance(use.value, ast.Name) and use.value.id in ("self", "cls")
            ):
                continue  # ``self._writer.drain()``: another object's method
            call = index.parents.get(use)
            if not (isinstance(call, ast.Call) and call.func is use):
                return False  # handed out: run by a thread, a task or a callback
            caller = index.function_of(call)
            if any(isinstance(at, _LOOPS) for at in index.ancestors(call, caller)):
                return False  # polled from a loop: a consumer
    return True


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)


def _target_of(statement: ast.Assign | ast.AnnAssign) -> ast.expr | None:
    if isinstance(statement, ast.Assign):
        return statement.targets[0] if len(statement.targets) == 1 else None
    return statement.target


def _calls(index: UseIndex, uses: list, methods: frozenset[str]) -> list[ast.Call]:
    """``q.<method>(...)`` calls among the uses of the queue."""
    found = []
    for node in uses:
        parent = index.parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr in methods:
            call = index.parents.get(parent)
            if isinstance(call, ast.Call) and call.func is parent:
                found.append(call)
    return found


def _size_checked(index: UseIndex, uses: list, target: ast.expr) -> bool:
    """``if q.qsize() >= limit:`` in the scope whose block makes the producer wait: it
    awaits (a flush inline), takes from the queue itself, or pauses its producer
    (``pauseProducing()``). Waking a consumer (``event.set()``) is no backpressure."""
    for qsize in _calls(index, uses, frozenset({"qsize"})):
        test = index.parents.get(qsize)
        node = index.parents.get(test) if test is not None else None
        if not isinstance(node, ast.If) or node.test is not test:
            continue
        if not isinstance(test, ast.Compare) or len(test.ops) != 1:
            continue
        left, right, op = test.left, test.comparators[0], test.ops[0]
        marked = (isinstance(op, (ast.Gt, ast.GtE)) and left is qsize) or (
            isinstance(op, (ast.Lt, ast.LtE)) and right is qsize
        )
        if marked and _producer_waits(node.body, target):
            return True
    return False


def _producer_waits(body: list[ast.stmt], target: ast.expr) -> bool:
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Await):
                return True
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in _GETS and same_holder(node.func.value, target):
                    return True
                if node.func.attr.lower().startswith("pause"):
                    return True
    return False


def _enclosing_def(index: UseIndex, node: ast.AST) -> ast.FunctionDef | None:
    at = index.parents.get(node)
    while at is not None and not isinstance(at, (ast.FunctionDef, ast.AsyncFunctionDef)):
        at = index.parents.get(at)
    return at  # type: ignore[return-value]


def _puts_back(function: ast.AST, put: ast.Call, target: ast.expr) -> bool:
    """``item = self.q.get()`` ... ``self.q.put(item)`` in one function."""
    if len(put.args) != 1 or not isinstance(put.args[0], ast.Name):
        return False
    item = put.args[0].id
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == item
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in _GETS
            and same_holder(node.value.func.value, target)
        ):
            return True
    return False
