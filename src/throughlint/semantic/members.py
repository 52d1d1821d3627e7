"""What a class or module body defines, tabled once per body: a rule that asks about
``self.save()`` or ``helper()`` at every call looks the name up instead of walking the
body again (that walk made a class of N methods cost N squared)."""

from __future__ import annotations

import ast
from weakref import WeakKeyDictionary

_Definition = ast.FunctionDef | ast.AsyncFunctionDef


class Members:
    """The statements of one body, and its ``def`` statements by name, in order."""

    __slots__ = ("functions", "statements")

    def __init__(self, body: list[ast.stmt]) -> None:
        self.statements: set[int] = {id(statement) for statement in body}
        self.functions: dict[str, list[_Definition]] = {}
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(statement.name, []).append(statement)


_TABLES: WeakKeyDictionary[ast.AST, Members] = WeakKeyDictionary()


def members(owner: ast.AST) -> Members:
    """The table of ``owner``'s body (a class, a module), built on the first question."""
    table = _TABLES.get(owner)
    if table is None:
        table = _TABLES[owner] = Members(getattr(owner, "body", None) or [])
    return table


def is_member(owner: ast.AST, statement: ast.AST) -> bool:
    """``statement`` is one of ``owner``'s own body statements (a method, not a function
    nested in one)."""
    return id(statement) in members(owner).statements


def first_definition(
    owner: ast.AST, name: str, kinds: tuple[type, ...] = (ast.FunctionDef, ast.AsyncFunctionDef)
) -> _Definition | None:
    """The first ``def name`` of ``owner``'s body of one of ``kinds``, or None."""
    for definition in members(owner).functions.get(name, ()):
        if isinstance(definition, kinds):
            return definition
    return None
