"""The number an expression holds when the source says it: a literal, a module constant
bound once, a parameter's literal default, or an instance attribute whose every
assignment in its class is one of those (``self._poll_wait_time = 0.0005`` in
``__init__``, ``self.sleep_tune = sleep_tune`` with ``sleep_tune=0.000001``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def number_value(model: SemanticModel, node: ast.expr | None) -> float | None:
    """The int or float ``node`` holds at this point of the walk, else None. An attribute
    of ``self`` counts only when every value its class assigns to it is known: the
    largest one is returned (the rules asking want an upper bound)."""
    found = _literal(node)
    if found is not None or node is None:
        return found
    if isinstance(node, ast.Name):
        return _name_value(model, node.id)
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
        and model.classes
    ):
        return _attribute_value(model.classes[-1], node.attr)
    return None


def module_constant(model: SemanticModel, node: ast.expr) -> ast.expr | None:
    """The value of the module-level name ``node`` when the module's binding of it is a
    plain assignment (``WORKERS = 12``, ``NEWEST_FIRST = Prefetch("books")``); None for a
    local, a parameter, an import or anything else."""
    if not isinstance(node, ast.Name):
        return None
    binding = model.lookup(node.id)
    if (
        binding is None
        or binding.kind is not BindingKind.ASSIGNMENT
        or model.module_scope.bindings.get(node.id) is not binding
    ):
        return None
    return binding.value


def _literal(node: ast.expr | None) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        node = node.operand
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


def _name_value(model: SemanticModel, name: str) -> float | None:
    binding = model.lookup(name)
    if binding is None:
        return None
    if binding.kind is BindingKind.PARAMETER and isinstance(model.function, _FUNCTIONS):
        return _default(model.function, binding.node)
    if (
        binding.kind is BindingKind.ASSIGNMENT
        and model.module_scope.bindings.get(name) is binding
        and binding.previous is None
    ):
        return _literal(binding.value)
    return None


def _default(function: ast.FunctionDef | ast.AsyncFunctionDef, argument: ast.AST) -> float | None:
    """The literal default of ``argument`` (an ``ast.arg`` of ``function``), if any."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(
        zip(
            positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
        )
    )
    pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d]
    for known, default in pairs:
        if known is argument or (isinstance(argument, ast.arg) and known.arg == argument.arg):
            return _literal(default)
    return None


def _attribute_value(class_def: ast.ClassDef, attribute: str) -> float | None:
    """The largest value ``class_def`` gives ``attribute`` (class body and ``self.x = ...``
    in its methods), when every one is a literal or a parameter's literal default."""
    values: list[float] = []
    for statement in class_def.body:
        for target, value in _assignments(statement):
            if isinstance(target, ast.Name) and target.id == attribute:
                found = _literal(value)
                if found is None:
                    return None
                values.append(found)
        if not isinstance(statement, _FUNCTIONS):
            continue
        arguments = [*statement.args.posonlyargs, *statement.args.args]
        if not arguments:
            continue
        owner = arguments[0].arg
        for node in ast.walk(statement):
            for target, value in _assignments(node):
                if not (
                    isinstance(target, ast.Attribute)
                    and target.attr == attribute
                    and isinstance(target.value, ast.Name)
                    and target.value.id == owner
                ):
                    continue
                found = _literal(value)
                if found is None and isinstance(value, ast.Name):
                    parameter = next(
                        (a for a in _all_arguments(statement) if a.arg == value.id), None
                    )
                    found = _default(statement, parameter) if parameter is not None else None
                if found is None:
                    return None
                values.append(found)
    return max(values) if values else None


def _assignments(node: ast.AST) -> list[tuple[ast.expr, ast.expr | None]]:
    if isinstance(node, ast.Assign):
        return [(target, node.value) for target in node.targets]
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [(node.target, node.value)]
    if isinstance(node, ast.AugAssign):
        return [(node.target, None)]  # grows or shrinks at run time: unknown
    return []


def _all_arguments(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    arguments = function.args
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
