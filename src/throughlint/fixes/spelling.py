"""How a fix spells a library name in a file, decided once from the file's ``ast`` tree:
by the lint path when it offers the fix (``fixes/offers.py`` and the rules), and by the
libcst rewrite that applies it (``fixes/imports.py``), so a fix that is offered is one
that can be applied. No libcst here: the lint path never imports it."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Spelling:
    """``text``, the expression that names the object here (``selectinload``,
    ``orm.selectinload``, ``queue.Queue``), and the import to add for it: ``obj`` from
    ``module`` (``obj`` None: ``import module``); ``module`` None when the file already
    imports it."""

    text: str
    module: str | None = None
    obj: str | None = None


def import_spelling(
    tree: ast.Module, module: str, obj: str, *, module_fallback: bool = False
) -> Spelling | None:
    """``module.obj`` as the file's top-level imports already bind it, else a new ``from
    module import obj`` (or, with ``module_fallback``, ``import module``) when the new
    name shadows no identifier of the file; None when every way would."""
    existing = existing_spelling(module_imports(tree), module, obj)
    if existing is not None and _unshadowed(tree, existing.text):
        return existing  # else a new import
    if placement_problem(tree, module):
        return None
    names = identifiers(tree)
    if obj not in names:
        return Spelling(obj, module, obj)
    if module_fallback and module.split(".")[0] not in names:
        return Spelling(f"{module}.{obj}", module, None)
    return None


def existing_spelling(
    imports: dict[tuple[str, str | None], str], module: str, obj: str
) -> Spelling | None:
    """``obj`` as the file's top-level imports bind it (``from module import obj as x``,
    ``import module as m``), else None."""
    local = imports.get((module, obj))
    if local is not None:
        return Spelling(local)
    alias = imports.get((module, None))
    if alias is not None:
        return Spelling(f"{alias}.{obj}")
    return None


def execute_values_spelling(tree: ast.Module) -> Spelling | None:
    """``psycopg2.extras.execute_values`` here: as imported, else imported the way the
    file imports from ``psycopg2`` already; None when the name would shadow one."""
    imports = module_imports(tree)
    existing = existing_spelling(imports, "psycopg2.extras", "execute_values")
    if existing is not None and _unshadowed(tree, existing.text):
        return existing
    if placement_problem(tree, "psycopg2.extras"):
        return None
    names = identifiers(tree)
    from_extras = any(module == "psycopg2.extras" and obj for module, obj in imports)
    if from_extras and "execute_values" not in names:
        return Spelling("execute_values", "psycopg2.extras", "execute_values")
    if (
        ("psycopg2", None) in imports
        and "psycopg2" in names
        and _unshadowed(tree, "psycopg2.extras.execute_values")
    ):
        return Spelling("psycopg2.extras.execute_values", "psycopg2.extras", None)
    if "execute_values" not in names:
        return Spelling("execute_values", "psycopg2.extras", "execute_values")
    return None


def _unshadowed(tree: ast.Module, text: str) -> bool:
    """The first name of ``text`` (``orm`` of ``orm.selectinload``), which a top-level
    import binds, is bound by nothing else in the file (``orm = "sqlite"`` in a function:
    there ``orm`` is not the import)."""
    return text.split(".")[0] not in rebound_names(tree)


def placement_problem(tree: ast.Module, module: str) -> str:
    """Why an import of ``module`` added with the file's first imports (where a fix adds
    one) would not do what the file's own imports of that package do: the file imports
    it only after running code of its own (``sys.path.insert(...)`` first), or only under
    a ``try`` or ``if`` (an optional dependency, which a top-level import makes required).
    "" when the file imports the package with its first imports, or nowhere."""
    key = (id(tree), module)
    known = _PLACEMENT.get(key)
    if known is not None and known[0] is tree:
        return known[1]
    reason = _placement_problem(tree, module.split(".")[0])
    if len(_PLACEMENT) >= _KEPT:
        _PLACEMENT.pop(next(iter(_PLACEMENT)))
    _PLACEMENT[key] = (tree, reason)
    return reason


def _placement_problem(tree: ast.Module, root: str) -> str:
    leading = True
    late: ast.stmt | None = None
    for position, statement in enumerate(tree.body):
        docstring = position == 0 and isinstance(statement, ast.Expr)
        if leading and (docstring or isinstance(statement, (ast.Import, ast.ImportFrom))):
            if _imports(statement, root):
                return ""
            continue
        leading = False
        if late is None and _imports(statement, root):
            late = statement
    if late is not None:
        return (
            f"this file runs code before it imports `{root}` (line {late.lineno}): an import "
            "added with its first imports would run before that code"
        )
    if any(_imports(node, root) for node in ast.walk(tree)):
        return (
            f"this file imports `{root}` only under a `try` or `if` (an optional "
            "dependency): an import added at its top would make it required"
        )
    return ""


def _imports(node: ast.AST, root: str) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == root for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return not node.level and (node.module or "").split(".")[0] == root
    return False


_PLACEMENT: dict[tuple[int, str], tuple[ast.Module, str]] = {}


def module_imports(tree: ast.Module) -> dict[tuple[str, str | None], str]:
    """Top-level ``import queue [as q]`` and ``from queue import X [as Y]``: the local
    name each (module, object) pair is bound to; object None for the module itself."""
    return _facts(tree).imports


def identifiers(tree: ast.Module) -> frozenset[str]:
    """Every identifier the file binds or reads, attribute names left out (``x.queue``
    uses ``x``): a new import must shadow none of them."""
    return _facts(tree).names


def rebound_names(tree: ast.Module) -> frozenset[str]:
    """The names the file binds other than by a top-level import (an assignment, a
    parameter, a ``def``, an import inside a function): where one of them is bound, an
    existing import's name may not be the import."""
    return _facts(tree).rebound


@dataclass(frozen=True, slots=True)
class _FileNames:
    tree: ast.Module
    imports: dict[tuple[str, str | None], str]
    names: frozenset[str]
    rebound: frozenset[str]


_FACTS: dict[int, _FileNames] = {}
_KEPT = 8  # the trees asked about lately (the file being linted or fixed)


def _facts(tree: ast.Module) -> _FileNames:
    known = _FACTS.get(id(tree))
    if known is not None and known.tree is tree:
        return known
    names, rebound = _names(tree)
    found = _FileNames(tree, _top_level_imports(tree), frozenset(names), frozenset(rebound))
    if len(_FACTS) >= _KEPT:
        _FACTS.pop(next(iter(_FACTS)))
    _FACTS[id(tree)] = found
    return found


def _top_level_imports(tree: ast.Module) -> dict[tuple[str, str | None], str]:
    found: dict[tuple[str, str | None], str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if "." in alias.name and alias.asname is None:  # import a.b binds a, a.b
                    first = alias.name.split(".")[0]
                    found.setdefault((first, None), first)
                found.setdefault((alias.name, None), alias.asname or alias.name)
        elif isinstance(statement, ast.ImportFrom) and not statement.level and statement.module:
            for alias in statement.names:
                if alias.name != "*":
                    found.setdefault((statement.module, alias.name), alias.asname or alias.name)
    return found


def _names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Every identifier of the file (read or bound), and those bound other than by a
    top-level import."""
    found: set[str] = set()
    rebound: set[str] = set()
    top_level = {
        id(alias)
        for statement in tree.body
        if isinstance(statement, (ast.Import, ast.ImportFrom))
        for alias in statement.names
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
            if not isinstance(node.ctx, ast.Load):
                rebound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
            rebound.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
            rebound.add(node.arg)
        elif isinstance(node, ast.keyword) and node.arg is not None:
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            bound = node.asname or node.name.split(".")[0]
            found.add(node.name.split(".")[0])
            found.add(bound)
            if id(node) not in top_level:
                rebound.add(bound)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            found.add(node.name)
            rebound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            found.add(node.rest)
            rebound.add(node.rest)
    return found, rebound
