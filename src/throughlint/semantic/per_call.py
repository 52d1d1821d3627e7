"""Does one call on each pass of a loop stand for one item? Shapes where it does not, read
from the call and the statements around it (issue 12, false-alarm classes 8 and 10):

- ``takes_group``: the pass hands the call a whole group the loop yields (``unlink(*keys)``,
  ``filter(pk__in=ids)``, ``Model.id.in_(ids)``): the loop goes over groups (hash slots,
  content types), each already one batched round trip;
- ``broadcast``: the call sends one body that does not change from pass to pass to each
  endpoint the object or the settings are configured with (``for url in self.webhooks:
  requests.post(url, json=payload)``): requests to different endpoints have no batch
  form, and the list is configuration, not data;
- ``stops_on_result``: the loop is a search that stops at the first answer.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import call_argument, names_read
from throughlint.semantic.input_size import CONFIGURED, expression_size
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.loops import Loop
    from throughlint.semantic.model import SemanticModel

# where an HTTP call takes what it sends (``requests``, ``httpx``: keywords, or the second
# positional argument of ``post`` / ``put`` / ``patch``)
_BODY_KEYWORDS = ("data", "json", "files", "content", "body")
_BODY_POSITIONAL = frozenset({"post", "put", "patch"})


def takes_group(loop: Loop, call: ast.Call) -> bool:
    """``call`` receives an item of ``loop`` as a collection: unpacked (``*keys``), as an
    ``__in`` lookup (``pk__in=ids``) or to ``.in_(ids)``."""
    items = loop.target_names
    if not items:
        return False

    def is_item(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id in items

    def in_test(node: ast.expr) -> bool:  # ``Row.id.in_(ids)``, maybe under ``and_(...)``
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "in_":
            return any(map(is_item, node.args))
        return any(in_test(argument) for argument in node.args)

    # the call and the calls of its own chain (``filter(pk__in=ids)`` of
    # ``filter(pk__in=ids).update(...)``), not a query inside one of its arguments
    part: ast.expr = call
    while isinstance(part, ast.Call):
        if any(isinstance(a, ast.Starred) and is_item(a.value) for a in part.args):
            return True
        if any(k.arg and k.arg.endswith("__in") and is_item(k.value) for k in part.keywords):
            return True
        if any(in_test(argument) for argument in part.args):
            return True
        func = part.func
        if isinstance(func, ast.Attribute) and func.attr == "in_" and any(map(is_item, part.args)):
            return True
        part = func.value if isinstance(func, ast.Attribute) else func
    return False


def broadcast(model: SemanticModel, loop: Loop, call: ast.Call, method: str) -> bool:
    """An HTTP ``call`` whose destination changes with the pass while its body does not:
    the same message sent to each of several endpoints."""
    destination = call_argument(call, 0, "url")
    if destination is None:
        return False
    body = None
    for keyword in _BODY_KEYWORDS:
        body = call_argument(call, None, keyword)
        if body is not None:
            break
    if body is None and method in _BODY_POSITIONAL:
        body = call_argument(call, 1, None)
    if body is None:
        return False  # a GET per URL fetches one resource per item
    varying = loop.target_names | model.loop_facts(loop).assigned
    if not names_read(destination) & varying or names_read(body) & varying:
        return False
    return _configured(model, loop.iter) or _address_of_item(destination, loop)


def _address_of_item(destination: ast.expr, loop: Loop) -> bool:
    """The whole address is a field of the item (``hook.url``, ``sub["endpoint"]``):
    each item names its own endpoint (a webhook subscriber's URL), where a connection
    kept alive buys little; not a path built on one base (``f"{BASE}/{item.id}"``)."""
    field = isinstance(destination, ast.Attribute) or (
        isinstance(destination, ast.Subscript) and isinstance(destination.slice, ast.Constant)
    )
    holder = getattr(destination, "value", None)
    return field and isinstance(holder, ast.Name) and holder.id in loop.target_names


def _configured(model: SemanticModel, node: ast.expr | None) -> bool:
    """The endpoints come from configuration: an attribute of the object (``self.hosts``,
    set from its config) or settings (``settings.WEBHOOK_URLS``), directly or through one
    local name; a parameter's list may be the data itself (a crawl)."""
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if binding is None or binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
            return False
        node = binding.value
    if node is None:
        return False
    root = node
    while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
        root = root.func if isinstance(root, ast.Call) else root.value
    if isinstance(root, ast.Name) and root.id == "self" and root is not node:
        return True
    return expression_size(model, node) == CONFIGURED


def stops_on_result(model: SemanticModel, loop: Loop, call: ast.Call) -> bool:
    """The loop stops at the first pass whose ``call`` answers: ``if r.lpop(k): return``,
    or ``blob = r.lpop(k)`` then ``if blob is not None: return blob``. A search costs up
    to the first hit, and a batch would act on the items past it (pop, delete). ``call``
    is the node being visited: its statement in the loop's body comes from the walk's
    statement stack, and the body's leaving ``if``s are found once per loop."""
    body = getattr(loop.node, "body", None)
    stack = model.node_stack
    if not isinstance(body, list) or loop.node not in stack:
        return False
    at = stack.index(loop.node)
    if at + 1 >= len(stack):
        return False
    statement = stack[at + 1]
    index = model.loop_facts(loop).body_index(statement)
    if index is None:
        return False
    if isinstance(statement, ast.If) and any(part is call for part in ast.walk(statement.test)):
        return _leaves(statement.body)
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return False
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    results = {name for target in targets for name in _target_names(target)}
    known = model.memo("per_call.leaving")
    if loop.node not in known:
        known[loop.node] = [
            (position, names_read(later.test))
            for position, later in enumerate(body)
            if isinstance(later, ast.If) and _leaves(later.body)
        ]
    return any(position > index and names & results for position, names in known[loop.node])


def _leaves(block: list[ast.stmt]) -> bool:
    return bool(block) and isinstance(block[-1], (ast.Return, ast.Break))


def _target_names(target: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}
