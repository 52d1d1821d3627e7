"""Does one call on each pass of a loop stand for one item? Two shapes where it does not,
read from the call's arguments (issue 12, false-alarm classes 8 and 10):

- ``takes_group``: the pass hands the call a whole group the loop yields (``unlink(*keys)``,
  ``filter(pk__in=ids)``, ``Model.id.in_(ids)``): the loop goes over groups (hash slots,
  content types), each already one batched round trip;
- ``broadcast``: the call sends one body that does not change from pass to pass to a
  destination that does (``requests.post(url, json=payload)`` for each configured webhook):
  requests to different endpoints have no batch form.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import call_argument, names_read

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

    for part in ast.walk(call):
        if not isinstance(part, ast.Call):
            continue
        if any(isinstance(a, ast.Starred) and is_item(a.value) for a in part.args):
            return True
        if any(k.arg and k.arg.endswith("__in") and is_item(k.value) for k in part.keywords):
            return True
        func = part.func
        if isinstance(func, ast.Attribute) and func.attr == "in_" and any(map(is_item, part.args)):
            return True
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
    return bool(names_read(destination) & varying) and not names_read(body) & varying
