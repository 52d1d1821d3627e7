"""Who puts into a queue, as far as the scope that creates it shows: the function for a
local name, the class for ``self.attr``. Some queues are bounded by how they are built
(issue 12, class 7):

- ``recycled``: every ``put`` is in the constructor (filled once with a fixed set) or
  puts back an item taken from the same queue in the same function (a pool of idle
  connections);
- ``workers``: a process queue its creating scope never puts into: the producers are
  child processes, one result per task handed to them.
"""

from __future__ import annotations

import ast

from throughlint.semantic.model import SemanticModel

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
        return "workers" if name.startswith(_PROCESS_QUEUES) else None
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
