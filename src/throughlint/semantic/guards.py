"""Guards on a function's parameters: ``if save:``, ``if level != "DEBUG":``,
``if not create:`` and ``if x is None: return`` ahead of a call. A call under such a guard
runs only for some argument values; the project index lets a caller's literal arguments
(or the defaults it keeps) decide (``generate_change(save=False)`` writes nothing).

A guard is ``[parameter, op, value]``, ``op`` one of ``truthy``, ``falsy``, ``is``,
``is not``, ``==``, ``!=`` (``value`` a literal: str, int, bool or None)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

Guard = list  # [parameter, op, value]
_NEGATED = {
    "truthy": "falsy",
    "falsy": "truthy",
    "is": "is not",
    "is not": "is",
    "==": "!=",
    "!=": "==",
}
_WINDOW = 6  # an early ``if x: return`` opens its block: look no further back for it
_LITERALS = (str, int, bool, type(None))
_LONGEST = 200  # longer strings are no flags: not worth carrying in the facts


def call_guard(model: SemanticModel) -> Guard | None:
    """The guard on a parameter that the node being visited runs under, in its function
    (the outermost one, when several: any false guard rules the call out)."""
    function = model.function
    if function is None or isinstance(function, ast.Lambda):
        return None
    return model.fold_path(function, "guards.call", None, _step(model))


def _step(model: SemanticModel):
    def step(found: Guard | None, parent: ast.AST, child: ast.AST) -> Guard | None:
        if found is not None:
            return found
        if isinstance(parent, ast.If):
            # ``child``, a statement under the ``if``, is in its body or its ``else``:
            # told by position, as a scan of a long body per statement costs its square
            orelse = parent.orelse
            if not orelse or _before(child, orelse[0]):
                return parse_guard(model, parent.test)
            guard = parse_guard(model, parent.test)
            return negate(guard) if guard is not None else None
        body = getattr(parent, "body", None)
        if isinstance(body, list):
            for earlier in body[:_WINDOW]:
                if earlier is child:
                    break
                if (
                    isinstance(earlier, ast.If)
                    and not earlier.orelse
                    and len(earlier.body) == 1
                    and isinstance(earlier.body[0], (ast.Return, ast.Raise))
                ):
                    guard = parse_guard(model, earlier.test)
                    if guard is not None:
                        return negate(guard)  # ``if not save: return`` then the work
        return None

    return step


def _before(node: ast.AST, other: ast.stmt) -> bool:
    return (node.lineno, node.col_offset) < (other.lineno, other.col_offset)  # type: ignore[attr-defined]


def parse_guard(model: SemanticModel, test: ast.expr) -> Guard | None:
    """``[parameter, op, value]`` for a test on one parameter, else None."""
    if isinstance(test, ast.Name):
        return [test.id, "truthy", None] if _parameter(model, test.id) else None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = parse_guard(model, test.operand)
        return negate(inner) if inner is not None else None
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.left, ast.Name)
        and isinstance(test.comparators[0], ast.Constant)
        and _literal(test.comparators[0].value)
        and _parameter(model, test.left.id)
    ):
        op = {ast.Is: "is", ast.IsNot: "is not", ast.Eq: "==", ast.NotEq: "!="}.get(
            type(test.ops[0])
        )
        if op is not None:
            return [test.left.id, op, test.comparators[0].value]
    return None


def negate(guard: Guard) -> Guard:
    return [guard[0], _NEGATED[guard[1]], guard[2]]


def _parameter(model: SemanticModel, name: str) -> bool:
    binding = model.scope.bindings.get(name)
    return binding is not None and binding.kind is BindingKind.PARAMETER


def holds(guard: Guard, value: Any) -> bool:
    """Whether ``guard`` holds when its parameter is the literal ``value``."""
    _, op, expected = guard
    if op == "truthy":
        return bool(value)
    if op == "falsy":
        return not value
    if op == "is":
        return value is expected or (value == expected and type(value) is type(expected))
    if op == "is not":
        return not holds([guard[0], "is", expected], value)
    if op == "==":
        return value == expected
    return value != expected


def argument_spec(model: SemanticModel, call: ast.Call) -> dict[str, list] | None:
    """What a call passes, for the index: ``{"0": ["=", False], "level": ["@", "level"],
    "1": ["?"]}``: a literal, a parameter of the caller passed on, or unknown. Positions
    after a ``*args`` are unknown; ``"*"`` says an unpacking may fill any parameter not
    named (so no default can be assumed). None when nothing is known."""
    spec: dict[str, list] = {}
    for position, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred):
            spec["*"] = ["?"]
            break
        spec[str(position)] = _argument(model, argument)
    for keyword in call.keywords:
        if keyword.arg is None:
            spec["*"] = ["?"]
            continue
        spec[keyword.arg] = _argument(model, keyword.value)
    return spec


def _literal(value: object) -> bool:
    """A value the facts can carry as JSON: None, a bool, a short str, a 64-bit int."""
    if isinstance(value, str):
        return len(value) <= _LONGEST
    if isinstance(value, int) and not isinstance(value, bool):
        return -(2**63) <= value < 2**63
    return isinstance(value, _LITERALS)


def _argument(model: SemanticModel, value: ast.expr) -> list:
    if isinstance(value, ast.Constant) and _literal(value.value):
        return ["=", value.value]
    if isinstance(value, ast.Name) and _parameter(model, value.id):
        return ["@", value.id]
    return ["?"]


def parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[list]:
    """``[[name, default]]`` in call order (positional, then keyword-only); ``default``
    is ``["=", literal]``, or ``["?"]`` for a default that is not a literal, or None."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list = [None] * (len(positional) - len(arguments.defaults))
    defaults += [_default(value) for value in arguments.defaults]
    found = [[item.arg, default] for item, default in zip(positional, defaults, strict=True)]
    for item, value in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        found.append([item.arg, _default(value) if value is not None else None])
    return found


def _default(value: ast.expr) -> list:
    if isinstance(value, ast.Constant) and _literal(value.value):
        return ["=", value.value]
    return ["?"]
