"""Where a loop's pass can end before its last statement: what an eager load must know
(loaded up front, the rows of items the loop never reaches, or skips, are read too)."""

from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
# ``return``, ``raise``, ``assert`` and a generator's ``yield`` (its consumer may stop)
_LEAVE: dict[type, str] = {
    ast.Return: "return",
    ast.Raise: "raise",
    ast.Assert: "assert",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


def exit_word(statement: ast.stmt, *, skips: bool) -> str:
    """How ``statement`` may leave the loop it runs in ("break", "return", "raise",
    "assert", "yield", "exit()"), or with ``skips`` also go on to its next pass
    ("continue"); "" when it runs to its end. A ``break`` or ``continue`` of a loop nested
    in it ends only that loop; nested functions and classes do not run here."""
    todo: list[tuple[ast.AST, bool]] = [(statement, False)]
    while todo:
        current, nested = todo.pop()
        word = _LEAVE.get(type(current))
        if not nested and isinstance(current, ast.Break):
            word = "break"
        elif not nested and skips and isinstance(current, ast.Continue):
            word = "continue"
        elif isinstance(current, ast.Call) and _exits(current.func):
            word = "exit()"
        if word:
            return word
        inner = nested or isinstance(current, _LOOPS)
        todo += [
            (child, inner)
            for child in ast.iter_child_nodes(current)
            if not isinstance(child, _SCOPES)
        ]
    return ""


def _exits(func: ast.expr) -> bool:
    """``exit()``, ``quit()``, ``sys.exit()``, ``os._exit()``."""
    if isinstance(func, ast.Name):
        return func.id in ("exit", "quit")
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and (func.value.id, func.attr) in (("sys", "exit"), ("os", "_exit"))
    )
