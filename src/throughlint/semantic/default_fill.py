"""A parameter filled in when the caller left it out: ``def get(self, key, client: Redis |
None = None)`` then ``if client is None: client = self.get_client()``. After the fill the
name holds either what the caller passed or the fill, and the annotation says what both
are: the type layer reads the annotation when the fill itself cannot be typed."""

from __future__ import annotations

import ast

from throughlint.semantic.annotations import annotated_class
from throughlint.semantic.model import SemanticModel
from throughlint.semantic.scope import BindingKind
from throughlint.semantic.unset_tests import tests_unset


def filled_annotation(model: SemanticModel, expr: ast.expr) -> ast.expr | None:
    """The annotation of the parameter ``expr`` (a name) stands for, when its binding is
    the fill of that parameter under ``if name is None:`` / ``if not name:``; else None."""
    if not isinstance(expr, ast.Name):
        return None
    binding = model.lookup(expr.id)
    function = model.function
    if (
        binding is None
        or binding.kind is not BindingKind.ASSIGNMENT
        or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
    ):
        return None
    annotation = _parameter_annotation(function.args, expr.id)
    if annotation is None:
        return None
    known = model.memo("default_fill")
    key = (function, binding.node)
    if key not in known:
        known[key] = _under_fill(function, expr.id, binding.node)
    return annotation if known[key] else None


def _parameter_annotation(arguments: ast.arguments, name: str) -> ast.expr | None:
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if argument.arg == name:
            return annotated_class(argument.annotation)
    return None


def _under_fill(function: ast.AST, name: str, target: ast.AST) -> bool:
    """``target`` (the assignment's name) is in the body of ``if name is None:`` (or
    ``if not name:``) in ``function``."""
    for node in ast.walk(function):
        if not isinstance(node, ast.If) or not tests_unset(node.test, name):
            continue
        if any(part is target for statement in node.body for part in ast.walk(statement)):
            return True
    return False
