"""Tests that a value is not set yet: ``x is None``, ``not x``, ``x is MISSING``.

A fill under such a test (``if x is None: x = load()``) runs once per value, not once per
call: memoisation (``per_pass``), get-or-create branches (``lookup_fills``) and defaults
filled in a function's body (``default_fill``) all read it.
"""

from __future__ import annotations

import ast

from throughlint.semantic.expressions import source_text

_SENTINEL_WORDS = ("missing", "sentinel", "unset", "notset", "nothing", "undefined", "empty")
# of another module or class: ``utils.missing``, not ``State.EMPTY`` (an enum member)
_ATTRIBUTE_SENTINEL_WORDS = ("missing", "sentinel", "unset", "notset", "undefined")


def unset_subject(test: ast.expr) -> str | None:
    """``x is None`` / ``not x`` / ``self._x is None`` / ``x is NOTSET`` (a sentinel): the
    text of ``x``."""
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and _unset_value(test.comparators[0])
    ):
        subject = test.left
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        subject = test.operand
    else:
        return None
    if isinstance(subject, (ast.Name, ast.Attribute)):
        return source_text(subject)
    return None


def tests_unset(test: ast.expr, name: str) -> bool:
    """``test`` is true when ``name`` is not set, alone or as one side of an ``or``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(tests_unset(value, name) for value in test.values)
    return unset_subject(test) == name


def _unset_value(node: ast.expr) -> bool:
    """``None``, or a sentinel: a module constant's name (``NOTSET``, ``_MISSING``) or a
    name that says so (``_sentinel``, ``utils.missing``); not an enum member."""
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.Attribute):  # ``State.NEW`` is an enum member, not a sentinel
        return any(word in node.attr.lower() for word in _ATTRIBUTE_SENTINEL_WORDS)
    if not isinstance(node, ast.Name):
        return False
    bare = node.id.strip("_")
    return (bare.isupper() and len(bare) > 1) or any(w in bare.lower() for w in _SENTINEL_WORDS)
