"""How much work some statements do, as a lock's critical section or a loop's pass sees
it (TL301 weighs the locked region against the rest of the pass; the project index
records the weight of a method whose whole body holds a lock)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_FREE = (ast.Pass, ast.Continue, ast.Break, ast.Expr)
# Calls that cost next to nothing next to a lock handoff.
_TRIVIAL_CALLS = frozenset(
    {"len", "isinstance", "int", "str", "float", "bool", "id", "hash", "getattr", "hasattr",
     "min", "max", "abs", "tuple", "next", "type", "repr", "format"}
)  # fmt: skip
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True, slots=True)
class Cost:
    """The work in some statements (nested functions left out): statements that do
    something, calls that are not trivial, and whether a ``wait()`` is among them."""

    statements: int = 0
    calls: int = 0
    waits: bool = False

    @property
    def weight(self) -> int:
        return self.statements + self.calls

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.statements + other.statements, self.calls + other.calls, self.waits or other.waits
        )

    def __sub__(self, other: Cost) -> Cost:
        return Cost(self.statements - other.statements, self.calls - other.calls, self.waits)


def statements_cost(model: SemanticModel, statements: list[ast.stmt]) -> Cost:
    """The cost of a list of statements, from each one's subtree cost (worked out once per
    node for the file: every lock in a loop asks about the same statements)."""
    known = model.memo("statement_cost")
    total = Cost()
    for statement in statements:
        found = known.get(statement)
        total += found if found is not None else _subtree_cost(statement, known)
    return total


def _subtree_cost(root: ast.AST, known: dict) -> Cost:
    """Post-order over ``root``, entering no nested function or lambda; every node's cost
    is remembered in ``known``."""
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            cost = _own_cost(node)
            for child in ast.iter_child_nodes(node):
                if not isinstance(child, _NESTED):
                    cost += known[child]
            known[node] = cost
            continue
        if node in known:
            continue
        stack.append((node, True))
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _NESTED) and child not in known:
                stack.append((child, False))
    return known[root]


def _own_cost(node: ast.AST) -> Cost:
    if isinstance(node, ast.stmt):
        if not isinstance(node, _FREE) or (
            isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await))
        ):
            return ONE_STATEMENT
        return NOTHING
    if isinstance(node, ast.Call):
        func = node.func
        waits = isinstance(func, ast.Attribute) and func.attr in {"wait", "wait_for"}
        if isinstance(func, ast.Name) and func.id in _TRIVIAL_CALLS:
            return _WAITS if waits else NOTHING
        return _CALL_WAITS if waits else ONE_CALL
    return NOTHING


NOTHING, ONE_STATEMENT, ONE_CALL = Cost(), Cost(statements=1), Cost(calls=1)
_WAITS, _CALL_WAITS = Cost(waits=True), Cost(calls=1, waits=True)
