"""How many items a project function hands out, for loops over its result (issue 17).

A loop over ``get_default_connections()`` or ``self.notification_fields()`` is as big as
what that function returns or yields. The walk records, per function, the join of the
sizes it hands out (``semantic/input_size.py``):

- ``return <value>``: the value's size (``return [a, b]``, ``return conns`` for a local
  bound to a literal list);
- ``yield <item>`` (a generator): one item per pass of the function's loops around it,
  so the join of those loops' input sizes; a ``yield`` outside loops is one item;
  ``yield from <iterable>`` is the iterable's size.

An output may also be as big as something only the index knows, kept as a term:
``call:<callee>`` for the result of another function (``return make_keys(params)``, or a
local bound to it), ``p:<name>`` for a parameter of the function; a list the function
grows by adding items in loops (``keys = []``, ``for p in params: keys.append(...)``) is
as big as those loops' iterables. Terms are joined with ``+`` (``configured+p:params``).
Only functions whose join is ``constant``, ``small`` or ``configured``, or such terms, are
kept (fact ``output_sizes``): those are the ones that may hold a loop back;
``index/reach.py`` resolves the terms through the call graph. The walk also records, per
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
    CALL_OUTPUT,
    CONFIGURED,
    CONSTANT,
    SMALL,
    UNBOUNDED,
    UNKNOWN,
    call_output,
    direct_size,
    expression_size,
    grown_local,
    join,
    local_values,
    uncast,
    unwrapped,
)
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

# outputs worth recording: those that hold a loop back
KEPT = frozenset({CONSTANT, SMALL, CONFIGURED})
PARAMETER_TERM = "p:"  # as big as a parameter of the function
TERMS = "+"  # joins the terms of one output
_DEPTH = 3  # locals followed through their values
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def output_size(model: SemanticModel, node: ast.AST) -> str:
    """The size that ``node`` (a ``return``, ``yield`` or ``yield from`` of the function
    being walked) hands out, as a join of terms; "" for a bare ``return`` / ``return
    None``."""
    if isinstance(node, ast.Return):
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return ""
        return join_terms(_terms(model, value, 0))
    if isinstance(node, ast.YieldFrom):
        return join_terms(_terms(model, node.value, 0))
    terms = [
        term
        for loop in model.loops
        for term in ([UNBOUNDED] if loop.iter is None else _terms(model, loop.iter, 0))
    ]
    return join_terms(terms) or CONSTANT


def kept(size: str) -> bool:
    """An output that may hold a loop back: each term kept, or one the index resolves."""
    return bool(size) and all(term in KEPT or _symbolic(term) for term in size.split(TERMS))


def join_terms(terms: list[str]) -> str:
    """One output from terms: the join of the sizes and the other terms, spelt
    ``configured+call:app.f``; a size that is not kept stands alone (nothing can make
    the join smaller)."""
    sizes = [term for term in terms if not _symbolic(term)]
    size = join(sizes)
    if size and size not in KEPT:
        return size
    return TERMS.join([size] * bool(size) + sorted({term for term in terms if _symbolic(term)}))


def _symbolic(term: str) -> bool:
    return term.startswith((CALL_OUTPUT, PARAMETER_TERM))


def _terms(model: SemanticModel, value: ast.expr, depth: int) -> list[str]:
    size = direct_size(model, value)
    if size != UNKNOWN:
        return [size]
    inner = unwrapped(uncast(model, value))
    if isinstance(inner, ast.Await):
        inner = inner.value
    if isinstance(inner, _COMPREHENSIONS) and len(inner.generators) == 1 and depth < _DEPTH:
        # ``tuple((k, d) for k, d in deltas if d)``: at most as many items as it iterates
        return _terms(model, inner.generators[0].iter, depth + 1)
    if isinstance(inner, ast.Call):
        output = call_output(model, inner)
        return [output or UNKNOWN]
    if isinstance(inner, ast.Name) and depth < _DEPTH:
        binding = model.lookup(inner.id)
        if binding is not None and binding.kind is BindingKind.PARAMETER:
            return [f"{PARAMETER_TERM}{inner.id}"]
        if (
            binding is not None
            and binding.kind is BindingKind.ASSIGNMENT
            and not _worth_a_walk(model, binding.value)
        ):
            return [UNKNOWN]  # its current value is not kept: no join with others can be
        values = local_values(model, inner.id)
        if values:
            return [term for v in values for term in _terms(model, v, depth + 1)]
        grown = grown_local(model, inner.id)
        if grown is not None:
            bound, sources = grown
            terms = [term for v in bound for term in _terms(model, v, depth + 1)]
            for source in sources:
                terms += [UNBOUNDED] if source is None else _terms(model, source, depth + 1)
            return terms
    return [expression_size(model, value)]


def _worth_a_walk(model: SemanticModel, value: ast.expr | None) -> bool:
    """Whether the function is worth walking for the other values of a local whose current
    value is ``value``: one that is kept, another local, or a call the index may size
    (walking every function for each returned local cost more than the sizes found)."""
    if value is None:
        return False
    bound = unwrapped(uncast(model, value))
    if isinstance(bound, ast.Await):
        bound = bound.value
    if isinstance(bound, ast.Name) or direct_size(model, bound) in KEPT:
        return True
    return isinstance(bound, ast.Call) and bool(call_output(model, bound))


def outputs_json(sizes: dict[str, str]) -> dict[str, str]:
    """The functions whose output may hold a loop back."""
    return {name: size for name, size in sorted(sizes.items()) if kept(size)}
