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
from throughlint.semantic.expressions import child_nodes, names_read, walk_same_function

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
    known = model.memo("client_sites")  # one walk of the function for all its sites
    if function not in known:
        known[function] = (_from_parameters(function), _kept(function))
    from_parameters, kept = known[function]
    if names_read(node) & from_parameters:
        return None  # a different endpoint or account per call
    if target in kept:
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


def _kept(function: ast.AST) -> set[str]:
    """Names that leave the function (returned, yielded, stored in an attribute, a
    subscript or a collection, declared global), or that a loop of the function reads
    (the client serves many items per call). One walk of the function."""
    names: set[str] = set()
    stack: list[tuple[ast.AST, bool]] = [(function, False)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, ast.Name):
            if in_loop:
                names.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None:
            names |= names_read(node.value)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            if any(not isinstance(target, ast.Name) for target in node.targets):
                names.add(node.value.id)  # ``self.client = client``, ``clients[k] = client``
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"append", "add", "put", "setdefault", "insert"}
        ):
            names.update(a.id for a in node.args if isinstance(a, ast.Name))
        inner = in_loop or isinstance(node, _LOOPS)
        stack.extend((child, inner) for child in child_nodes(node) if not _nested(child))
    return names


def _nested(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))


_LOOPS = (
    ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp
)  # fmt: skip
