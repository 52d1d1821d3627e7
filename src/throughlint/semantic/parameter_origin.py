"""Values that come from a parameter of the function being walked, whose type only the
function's callers can tell (``def reprice(books): for book in books: book.save()``).

A value is spelt as ``model.resolve`` spells one, rooted at the parameter instead of an
import: ``shop.views.reprice@0:books[]`` (an item of ``books``, the first parameter after
``self``/``cls``; ``@:name`` for a keyword-only one). The project index types the
parameter from the arguments every call site passes (``index/argument_types.py``).
Only unannotated parameters of the innermost ``def`` count: an annotation says the type.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from throughlint.semantic.members import is_member
from throughlint.semantic.scope import BindingKind
from throughlint.semantic.types import self_assignments

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_MAX_DEPTH = 8
_SPELLING = re.compile(r"^([^@]+)@(\d*):(\w+)(.*)$", re.DOTALL)


def parameter_origin(model: SemanticModel, node: ast.expr) -> str | None:
    """``node`` spelt from a parameter of the innermost function, or None when it does not
    come from one (or resolves without it)."""
    function = model.function
    if model.function_name is None or not isinstance(
        function, (ast.FunctionDef, ast.AsyncFunctionDef)
    ):
        return None
    return _spell(model, node, function, 0)


def split_origin(origin: str) -> tuple[str, str, str, str] | None:
    """(function, position, parameter, rest) of a parameter origin, else None."""
    match = _SPELLING.match(origin)
    return match.groups() if match is not None else None  # type: ignore[return-value]


_Function = ast.FunctionDef | ast.AsyncFunctionDef
_PASSED_ON = (BindingKind.LOOP_VARIABLE, BindingKind.ASSIGNMENT, BindingKind.WITH_VARIABLE)


def _spell(model: SemanticModel, node: ast.expr, function: _Function, depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if binding is None:
            return None
        if binding.kind is BindingKind.PARAMETER:
            return _parameter(model, binding.node, function)
        if binding.kind in _PASSED_ON:
            if binding.value is None or not isinstance(binding.node, ast.Name):
                return None  # unpacked (``for a, b in pairs``): which part is unknown
            inner = _spell(model, binding.value, function, depth + 1)
            if inner is None:
                return None
            return f"{inner}[]" if binding.kind is BindingKind.LOOP_VARIABLE else inner
        return None
    if isinstance(node, ast.Attribute):
        inner = _spell(model, node.value, function, depth + 1)
        return f"{inner}.{node.attr}" if inner is not None else None
    if isinstance(node, ast.Call):
        inner = _spell(model, node.func, function, depth + 1)
        return f"{inner}()" if inner is not None else None
    if isinstance(node, ast.Subscript):
        inner = _spell(model, node.value, function, depth + 1)
        return f"{inner}[]" if inner is not None else None
    if isinstance(node, ast.Await):
        return _spell(model, node.value, function, depth + 1)
    return None


def _parameter(model: SemanticModel, arg: ast.AST, function: _Function) -> str | None:
    if not isinstance(arg, ast.arg) or arg.annotation is not None:
        return None
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    offset = 1 if positional and positional[0].arg in ("self", "cls") else 0
    for index, candidate in enumerate(positional):
        if candidate is arg:
            return f"{model.function_name}@{index - offset}:{arg.arg}" if index >= offset else None
    if any(candidate is arg for candidate in arguments.kwonlyargs):
        return f"{model.function_name}@:{arg.arg}"
    return None  # ``*args`` / ``**kwargs``, or a parameter of an enclosing function


def parameter_attribute(model: SemanticModel, node: ast.expr) -> str | None:
    """``self.<attr>`` in a method of a class of this file that binds it only to names
    (``self.client = client``; the index keeps the ones that are parameters), spelt as
    the index keys what the class binds (``app.Store().client``); else None."""
    if not (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and model.classes
        and model.function is not None
        and is_member(model.classes[-1], model.function)
    ):
        return None
    binding = model.lookup(node.value.id)
    if binding is None or binding.kind is not BindingKind.SELF:
        return None
    values = self_assignments(model.classes[-1]).get(node.attr)
    if not values or not all(isinstance(value, ast.Name) for value in values):
        return None
    return f"{model.class_name}().{node.attr}"
