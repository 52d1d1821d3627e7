"""A remote client or HTTP session a function builds for its own use and drops when it
returns: ``session = boto3.Session(...)`` then ``session.client("sns").publish(...)``,
``client = TwilioClient(sid, token)``. Every call of the function sets one up and tears
it down; when its callers run it once per item, that is one client per item (TL203
through the project index).

Not a client site: one in a loop of the function (TL203 reports that itself), one used
in a loop of the function (a worker's client serves many items per call), one that is
returned or kept (``self.client = ...``, put in a list or mapping: a factory or a cache),
one whose arguments come from the function's parameters (one endpoint per call is a
different target each time), a memo (``if _client is None:``), or one in an ``except``
handler (a fallback path).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.apis import HTTP_SESSIONS, REMOTE_CLIENT_FACTORIES
from throughlint.semantic.expressions import names_read, walk_same_function

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

# clients that hold their own connections or HTTP session, beside the shared tables
_MORE_CLIENTS = frozenset({"boto3.Session", "boto3.session.Session", "twilio.rest.Client"})
CLIENTS: frozenset[str] = REMOTE_CLIENT_FACTORIES | HTTP_SESSIONS | _MORE_CLIENTS


def client_site(model: SemanticModel, node: ast.Call) -> str | None:
    """The constructor's name when ``node`` builds a client the function only uses
    locally (see the module docstring); else None."""
    function = model.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or model.loops:
        return None
    if function.name.startswith("__") or model.function_name is None:
        return None  # ``__init__``: one per instance
    name = model.resolve(node.func)
    if name not in CLIENTS:
        return None
    statement = model.node_stack[-1] if model.node_stack else None
    target = _local_target(statement, node)
    if target is None:
        return None
    if names_read(node) & _from_parameters(function):
        return None  # a different endpoint or account per call
    if _kept(function, target):
        return None
    return name


def _local_target(statement: ast.stmt | None, node: ast.Call) -> str | None:
    """``name = Client(...)`` or ``with Client(...) as name:``: the local name."""
    if isinstance(statement, ast.Assign) and statement.value is node:
        if len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            return statement.targets[0].id
        return None
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            if item.context_expr is node and isinstance(item.optional_vars, ast.Name):
                return item.optional_vars.id
    return None


def _from_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The function's parameters (not ``self``), and the locals assigned from them
    (``region = rule.get("region")``), through other such locals."""
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    names -= {"self", "cls"}
    assignments = [
        (target.id, names_read(node.value))
        for node in walk_same_function(function)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]
    for _ in range(4):  # a chain of locals, a few deep
        grown = {name for name, read in assignments if name not in names and read & names}
        if not grown:
            break
        names |= grown
    return names


def _kept(function: ast.AST, name: str) -> bool:
    """The client leaves the function (returned, yielded, stored in an attribute, a
    subscript or a collection, declared global), or serves a loop of the function."""
    for node in walk_same_function(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None:
            if name in names_read(node.value):
                return True
        elif isinstance(node, ast.Assign) and name in names_read(node.value):
            if any(not isinstance(t, ast.Name) for t in node.targets) and _is_name(
                node.value, name
            ):
                return True  # ``self.client = client``, ``clients[k] = client``
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"append", "add", "put", "setdefault", "insert"}
            and any(_is_name(argument, name) for argument in node.args)
        ):
            return True
        elif isinstance(node, _LOOPS) and name in names_read(node):
            return True  # the client serves a loop of its own: many items per call
    return False


_LOOPS = (
    ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp
)  # fmt: skip


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
