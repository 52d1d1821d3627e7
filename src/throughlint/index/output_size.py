"""How many items a project function hands out, for loops over its result (issue 17).

A loop over ``get_default_connections()`` or ``self.notification_fields()`` is as big as
what that function returns or yields. The walk records, per function, the join of the
sizes it hands out (``semantic/input_size.py``):

- ``return <value>``: the value's size (``return [a, b]``, ``return conns`` for a local
  bound to a literal list);
- ``yield <item>`` (a generator): one item per pass of the function's loops around it,
  so the join of those loops' input sizes; a ``yield`` outside loops is one item;
  ``yield from <iterable>`` is the iterable's size.

Only functions whose join is ``constant``, ``small`` or ``configured`` are kept (fact
``output_sizes``): those are the ones that hold a loop back. The walk also records, per
loop of ``unknown`` input whose input is a call of a project function (directly, through
``list(...)``/``.items()``, or through a local bound to that call), the resolved callee
(fact ``loop_calls``, keyed "line:column" of the loop's header). ``index/reach.py``
resolves the callee to the project functions it may run and sizes the loop by the join
of their outputs; a callee with no recorded output leaves the loop ``unknown``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.input_size import (
    CONFIGURED,
    CONSTANT,
    SMALL,
    UNBOUNDED,
    UNKNOWN,
    direct_size,
    expression_size,
    join,
    uncast,
    unwrapped,
)
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.loops import Loop
    from throughlint.semantic.model import SemanticModel

# outputs worth recording: those that hold a loop over them back
KEPT = frozenset({CONSTANT, SMALL, CONFIGURED})


def output_size(model: SemanticModel, node: ast.AST) -> str:
    """The size that ``node`` (a ``return``, ``yield`` or ``yield from`` of the function
    being walked) hands out; "" for a bare ``return`` / ``return None``."""
    if isinstance(node, ast.Return):
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return ""
        if isinstance(value, ast.Await):
            value = value.value
        return _handed_out(model, value)
    if isinstance(node, ast.YieldFrom):
        return _handed_out(model, node.value)
    sizes = [UNBOUNDED if loop.iter is None else _loop_size(model, loop) for loop in model.loops]
    return join(sizes) or CONSTANT


def _handed_out(model: SemanticModel, value: ast.expr) -> str:
    """``expression_size(model, value)``, or ``unknown`` when that is sure not to be kept:
    a local whose current value is neither kept nor another local needs no walk of the
    function for its other values (their join with this one is not kept either)."""
    size = direct_size(model, value)
    if size != UNKNOWN:
        return size
    inner = unwrapped(value)
    if not isinstance(inner, ast.Name):
        return UNKNOWN
    binding = model.lookup(inner.id)
    if binding is not None and binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
        bound = uncast(model, binding.value)
        size = direct_size(model, bound)
        if size not in KEPT and (size != UNKNOWN or not isinstance(unwrapped(bound), ast.Name)):
            return UNKNOWN
    return expression_size(model, value)


def _loop_size(model: SemanticModel, loop: Loop) -> str:
    assert loop.iter is not None
    return expression_size(model, loop.iter)


def outputs_json(sizes: dict[str, str]) -> dict[str, str]:
    """The functions whose output would hold a loop back."""
    return {name: size for name, size in sorted(sizes.items()) if size in KEPT}
