"""Guards on a function's parameters: ``if save:``, ``if level != "DEBUG":``,
``if not create:`` and ``if x is None: return`` ahead of a call. A call under such a guard
runs only for some argument values; the project index lets a caller's literal arguments
(or the defaults it keeps) decide (``generate_change(save=False)`` writes nothing).

A guard is ``[parameter, op, value]``, ``op`` one of ``truthy``, ``falsy``, ``is``,
``is not``, ``==``, ``!=`` (``value`` a literal: str, int, bool or None), ``in`` and
``not in`` (``value`` a list of literals: ``level in ("INFO", "ERROR")``). Tests joined
by ``or`` / ``and`` are ``["", "or" | "and", [guard, ...]]``, each part a guard; a join
with a part that is no guard is none (``if level != "DEBUG" or verbose():`` may hold
whatever the level).

A guard on the receiver's own saved state (``if self.pk:``, ``if self.id is None:``,
``if self._state.adding:``) is on the pseudo-parameter ``self.pk``. A call on an object
constructed just before, with no key given and nothing done to it since
(``tag = Tag(name=n); tag.rename(n)``), passes ``self.pk`` as ``["new"]``: the index
reads it as ``None`` when the method's class is a Django model (an unsaved row), so a
write only under ``if self.pk:`` is not counted for a fresh object."""

from __future__ import annotations

import ast
import bisect
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
    "in": "not in",
    "not in": "in",
    "or": "and",
    "and": "or",
}
_JOINS = {ast.Or: "or", ast.And: "and"}
_WINDOW = 6  # an early ``if x: return`` opens its block: look no further back for it
_LITERALS = (str, int, bool, type(None))
_LONGEST = 200  # longer strings are no flags: not worth carrying in the facts
# an argument known to be an object, not None (``["!"]`` in an argument spec): it rules
# out ``if x is None:`` in the callee and nothing else
SOME_OBJECT = "!"
_OBJECT_EXPRESSIONS = (ast.List, ast.Tuple, ast.Dict, ast.Set, ast.ListComp, ast.SetComp)
_OBJECT_EXPRESSIONS += (ast.DictComp, ast.GeneratorExp, ast.JoinedStr, ast.Lambda)
_BUILTIN_TYPES = frozenset({"set", "frozenset", "list", "dict", "tuple", "str", "bytes"})


class _NotNone:
    """The value of a parameter bound to ``SOME_OBJECT``: not None, otherwise unknown."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_NONE"


NOT_NONE = _NotNone()


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


RECEIVER_STATE = "self.pk"  # the pseudo-parameter of a guard on the receiver's key
# the pseudo-parameter of a memo on the receiver (``if self._lookup is None: self._lookup
# = ...``): what it fills runs while it is unset; a loop calling the method on ``self``
# passes it set (after the first pass, the same object's memo is filled)
RECEIVER_MEMO = "self.memo"


def object_memo_guard(guard: Guard | None) -> Guard:
    """``guard`` (or none) and the receiver's memo being unset."""
    memo = [RECEIVER_MEMO, "falsy", None]
    return memo if guard is None else ["", "and", [guard, memo]]


_KEY_FIELDS = frozenset({"pk", "id"})
_FRESH_WINDOW = 8  # statements between the construction and the call, at most


def parse_guard(model: SemanticModel, test: ast.expr) -> Guard | None:
    """``[parameter, op, value]`` for a test on one parameter, else None."""
    state = _receiver_state(model, test)
    if state is not None:
        return state
    if isinstance(test, ast.Name):
        return [test.id, "truthy", None] if _parameter(model, test.id) else None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = parse_guard(model, test.operand)
        return negate(inner) if inner is not None else None
    if isinstance(test, ast.BoolOp):
        parts = [parse_guard(model, value) for value in test.values]
        if any(part is None for part in parts):
            return None
        return ["", _JOINS[type(test.op)], parts]
    membership = _membership(model, test)
    if membership is not None:
        return membership
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


def _membership(model: SemanticModel, test: ast.expr) -> Guard | None:
    """``level in ("INFO", "ERROR")`` / ``not in``, over a literal tuple, list or set."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.In, ast.NotIn))
        and isinstance(test.left, ast.Name)
        and isinstance(test.comparators[0], (ast.Tuple, ast.List, ast.Set))
        and _parameter(model, test.left.id)
    ):
        return None
    values = []
    for element in test.comparators[0].elts:  # type: ignore[attr-defined]
        if not isinstance(element, ast.Constant) or not _literal(element.value):
            return None
        values.append(element.value)
    return [test.left.id, "in" if isinstance(test.ops[0], ast.In) else "not in", values]


def _receiver_state(model: SemanticModel, test: ast.expr) -> Guard | None:
    """``self.pk`` / ``self.id`` (truthy, ``is None``, ``is not None``) and
    ``self._state.adding`` (the row is not saved yet) as guards on ``self.pk``."""
    subject, op = test, "truthy"
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.IsNot))
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        subject, op = test.left, "is" if isinstance(test.ops[0], ast.Is) else "is not"
    if not isinstance(subject, ast.Attribute):
        return None
    owner = subject.value
    if subject.attr == "adding" and op == "truthy" and isinstance(owner, ast.Attribute):
        if owner.attr == "_state" and _is_self(model, owner.value):
            return [RECEIVER_STATE, "is", None]
        return None
    if subject.attr in _KEY_FIELDS and _is_self(model, owner):
        return [RECEIVER_STATE, op, None]
    return None


def _is_self(model: SemanticModel, node: ast.expr) -> bool:
    if not isinstance(node, ast.Name):
        return False
    binding = model.scope.bindings.get(node.id)
    return binding is not None and binding.kind is BindingKind.SELF


def negate(guard: Guard) -> Guard:
    if guard[1] in ("or", "and"):  # De Morgan
        return ["", _NEGATED[guard[1]], [negate(part) for part in guard[2]]]
    return [guard[0], _NEGATED[guard[1]], guard[2]]


def rules_out(guard: Guard, bindings: dict[str, Any]) -> bool:
    """Whether ``guard`` is known to be false when the parameters hold ``bindings`` (a
    parameter that is not bound may hold anything)."""
    parameter, op, parts = guard
    if op == "or":
        return all(rules_out(part, bindings) for part in parts)
    if op == "and":
        return any(rules_out(part, bindings) for part in parts)
    if parameter not in bindings:
        return False
    value = bindings[parameter]
    if value is NOT_NONE:  # only a test against None is decided: ``if roles is None:``
        return op == "is" and parts is None
    return not holds(guard, value)


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
    if op in ("in", "not in"):
        found = any(holds([guard[0], "is", item], value) for item in expected)
        return found if op == "in" else not found
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
    if isinstance(call.func, ast.Attribute) and _fresh_object(model, call.func.value):
        spec[RECEIVER_STATE] = ["new"]
    return spec


def _fresh_object(model: SemanticModel, node: ast.expr) -> bool:
    """``node`` names an object constructed a few statements before in the same block,
    by a class called with keywords only and no key (``Tag(name=n)``, not ``Tag(id=i)``),
    and not touched since except by setting other fields (``tag.slug = s``)."""
    if not isinstance(node, ast.Name):
        return False
    binding = model.scope.bindings.get(node.id)
    if binding is None or binding.kind is not BindingKind.ASSIGNMENT:
        return False
    value = binding.value
    if (
        not isinstance(value, ast.Call)
        or value.args
        or any(k.arg is None or k.arg in _KEY_FIELDS for k in value.keywords)
        or not _class_name(value.func)
    ):
        return False
    return _untouched_since(model, node.id, binding.node)


def _class_name(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name[:1].isupper()


def _untouched_since(model: SemanticModel, name: str, target: ast.AST) -> bool:
    stack = model.node_stack
    if len(stack) < 2:
        return False
    statement, parent = stack[-1], stack[-2]
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if not isinstance(block, list) or not block:
            continue
        # statements are in line order: found by bisection, not by a scan per call
        at = bisect.bisect_left(block, statement.lineno, key=lambda s: s.lineno)
        if at >= len(block) or block[at] is not statement:
            continue
        for earlier in reversed(block[max(0, at - _FRESH_WINDOW) : at]):
            if isinstance(earlier, ast.Assign) and any(t is target for t in earlier.targets):
                return True
            if not _sets_other_field(earlier, name):
                return False
        return False
    return False


def _sets_other_field(statement: ast.stmt, name: str) -> bool:
    """``statement`` leaves ``name``'s key alone: it does not mention ``name``, or only
    sets another field of it (``tag.slug = slugify(n)``)."""
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
        rest: list[ast.AST] = [statement.value]
    else:
        rest = [statement]
    for target in targets:
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == name
        ):
            if target.attr in _KEY_FIELDS:
                return False
        else:
            rest.append(target)
    return not any(
        isinstance(part, ast.Name) and part.id == name for node in rest for part in ast.walk(node)
    )


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
    if _not_none(model, value) or (
        isinstance(value, ast.Name) and _bound_to_not_none(model, value.id)
    ):
        return [SOME_OBJECT]
    return ["?"]


def _not_none(model: SemanticModel, value: ast.expr) -> bool:
    """An expression whose value is an object, never None: a display or comprehension,
    an f-string, a lambda, a class called (``RolesSet(roles)``) or a builtin type
    (``set(names)``, not shadowed)."""
    if isinstance(value, _OBJECT_EXPRESSIONS):
        return True
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name) and func.id in _BUILTIN_TYPES:
        return model.lookup(func.id) is None
    return _class_name(func)


def _bound_to_not_none(model: SemanticModel, name: str) -> bool:
    """A local name whose binding at the call holds such an object."""
    binding = model.scope.bindings.get(name)
    return (
        binding is not None
        and binding.kind is BindingKind.ASSIGNMENT
        and binding.value is not None
        and _not_none(model, binding.value)
    )


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
