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
- ``local``: created, filled and drained in one function that hands it to no other
  call or nested function (a heap or a work list of one thread);
- ``backpressure``: the producer compares ``qsize()`` with a mark and then waits for a
  drain (``await``), drains itself or pauses its own producer.
"""

from __future__ import annotations

import ast

from throughlint.semantic.model import SemanticModel
from throughlint.semantic.put_sites import bounded_producers

_PUTS = frozenset({"put", "put_nowait"})
_GETS = frozenset({"get", "get_nowait"})
_PROCESS_QUEUES = ("multiprocessing.",)


def bounded_by_construction(model: SemanticModel, call: ast.Call, name: str) -> str | None:
    """Why the queue ``call`` creates cannot grow without limit, or None."""
    target, scope = _target(model, call)
    if target is None or scope is None:
        return None
    puts = [
        node
        for node in ast.walk(scope)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _PUTS
        and _same(node.func.value, target)
    ]
    if not puts:
        if name.startswith(_PROCESS_QUEUES):
            return "workers"
        return "producers" if bounded_producers(model, scope, target) else None
    kept = _kept_in_scope(scope, target) and not name.startswith(_PROCESS_QUEUES)
    if kept and not _reads(scope, target, _GETS) and _read_whole(scope, target):
        return "list"  # filled, never taken from: read whole through ``.queue``
    if kept and isinstance(target, ast.Name):
        return "local"  # filled and drained in one function, no other thread: a heap
    if _size_checked(scope, target):
        return "backpressure"  # ``if q.qsize() >= limit: flush()``: the producer waits
    if bounded_producers(model, scope, target):
        return "producers"  # every put is a sentinel, waits for room or runs a bounded count
    if isinstance(target, ast.Name):
        return None  # a local queue filled in its own function: nothing to tell apart
    for put in puts:
        function = _enclosing_function(scope, put)
        if function is None:
            return None
        if function.name == "__init__":
            continue
        if not _puts_back(function, put, target):
            return None
    return "recycled"


def _target(model: SemanticModel, call: ast.Call) -> tuple[ast.expr | None, ast.AST | None]:
    """The name or ``self.attr`` the queue is assigned to, and the scope to search."""
    function = model.function
    if function is None:
        return None, None
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if value is not call and not (
            isinstance(value, ast.IfExp) and call in (value.body, value.orelse)
        ):
            continue
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
    return None, None


_KEPT_USES = frozenset(
    {"put", "put_nowait", "get", "get_nowait", "empty", "full", "qsize", "queue"}
)


def _kept_in_scope(scope: ast.AST, target: ast.expr) -> bool:
    """Every use of the queue in ``scope`` is one of its own methods (or ``.queue``): it
    is never handed to another call, returned, stored elsewhere or used in a nested
    function (a thread's target, a task), so no other thread or task sees it."""
    nested = [
        node
        for node in ast.walk(scope)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        and node is not scope
    ]
    attribute_target = isinstance(target, ast.Attribute)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(scope):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(scope):
        if node is target or not isinstance(node, (ast.Name, ast.Attribute)):
            continue
        if not _same(node, target):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr in _KEPT_USES:
            if not attribute_target and any(node in ast.walk(inner) for inner in nested):
                return False  # a local queue a nested function touches: another thread
            continue
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and _target_of(parent) is node:
            continue  # (re)created
        return False
    return True


def _read_whole(scope: ast.AST, target: ast.expr) -> bool:
    """``q.queue`` read somewhere in the scope (the deque behind the queue)."""
    return any(
        isinstance(node, ast.Attribute) and node.attr == "queue" and _same(node.value, target)
        for node in ast.walk(scope)
    )


def _target_of(statement: ast.Assign | ast.AnnAssign) -> ast.expr | None:
    if isinstance(statement, ast.Assign):
        return statement.targets[0] if len(statement.targets) == 1 else None
    return statement.target


def _reads(scope: ast.AST, target: ast.expr, methods: frozenset[str]) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in methods
        and _same(node.func.value, target)
        for node in ast.walk(scope)
    )


def _size_checked(scope: ast.AST, target: ast.expr) -> bool:
    """``if q.qsize() >= limit:`` in the scope whose block makes the producer wait: it
    awaits (a flush inline), takes from the queue itself, or pauses its producer
    (``pauseProducing()``). Waking a consumer (``event.set()``) is no backpressure."""
    for node in ast.walk(scope):
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        test = node.test
        if len(test.ops) != 1:
            continue
        left, right, op = test.left, test.comparators[0], test.ops[0]
        marked = (isinstance(op, (ast.Gt, ast.GtE)) and _qsize(left, target)) or (
            isinstance(op, (ast.Lt, ast.LtE)) and _qsize(right, target)
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
                if node.func.attr in _GETS and _same(node.func.value, target):
                    return True
                if node.func.attr.lower().startswith("pause"):
                    return True
    return False


def _qsize(node: ast.expr, target: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "qsize"
        and _same(node.func.value, target)
    )


def _same(expr: ast.expr, target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return isinstance(expr, ast.Name) and expr.id == target.id
    assert isinstance(target, ast.Attribute)
    return (
        isinstance(expr, ast.Attribute)
        and expr.attr == target.attr
        and isinstance(expr.value, ast.Name)
        and expr.value.id == "self"
    )


def _enclosing_function(scope: ast.AST, node: ast.AST) -> ast.FunctionDef | None:
    found = None
    for candidate in ast.walk(scope):
        if isinstance(candidate, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            inner is node for inner in ast.walk(candidate)
        ):
            found = candidate  # the innermost, as ``ast.walk`` goes outside in
    return found  # type: ignore[return-value]


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
            and _same(node.value.func.value, target)
        ):
            return True
    return False
