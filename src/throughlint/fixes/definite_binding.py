"""Whether a name is bound when a loop starts (definite binding), and which names a loop
or a function binds: what ``bound_names_fact`` asks before the fixes read a name once
for every row. Paths are followed through ``if``, ``try`` / ``except`` / ``else`` /
``finally``, ``with`` and ``match`` blocks; a statement that never completes
(``return``, ``raise``, ``break``, ``continue``) binds anything, a loop's body nothing."""

from __future__ import annotations

import ast
import bisect

from throughlint.fixes.name_index import NameIndex, binds, name_index, start_of, stores_of
from throughlint.semantic.expressions import parameter_names, target_names


def bound_in_loop(loop: ast.For) -> set[str]:
    """The names the loop's target and body bind, ``global`` / ``nonlocal`` ones too (one
    walk of the body)."""
    names = set(target_names(loop.target))
    for node in (node for statement in loop.body for node in ast.walk(statement)):
        bound = binds(node)
        if bound is not None:
            names.add(bound)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def settled(module: ast.AST, name: str) -> bool:
    """``name`` is bound once in the whole module and declared ``global`` / ``nonlocal``
    nowhere: no function of it can rebind it while the loop runs."""
    stores = stores_of(module, name)
    return len(stores) == 1 and not isinstance(stores[0], (ast.Global, ast.Nonlocal))


def bound_before(function: ast.AST, loop: ast.For, name: str) -> bool:
    """``name`` is bound on every path from the start of ``function`` to ``loop`` (a
    parameter, or a statement on the way that binds it however it completes), and
    deleted nowhere."""
    index = name_index(function)
    if any(isinstance(use.ctx, ast.Del) for use in index.loads.get(name, [])):
        return False
    if name in parameter_names(function):
        return True
    return _bound_on_path(index, getattr(function, "body", []), loop, name)


def _bound_on_path(index: NameIndex, block: list[ast.stmt], loop: ast.For, name: str) -> bool:
    """In ``block``, which holds ``loop``: bound by a statement before the one holding it,
    or on the way into that one. Each block's first bindings are found once (a function
    with many loops is not walked once per loop)."""
    found = index.blocks.get(id(block))
    if found is None:
        found = index.blocks[id(block)] = _first_bindings(block)
    starts, first = found
    at = bisect.bisect_right(starts, start_of(loop)) - 1  # the statement that holds the loop
    if at < 0:
        return False
    if first.get(name, at) < at:
        return True
    statement = block[at]
    if statement is loop or not _holds(statement, loop):
        return False
    return _bound_inside(index, statement, loop, name)


def _first_bindings(block: list[ast.stmt]) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Where the statements of ``block`` start, and for each name the first of them that
    binds it whenever it completes."""
    first: dict[str, int] = {}
    for position, statement in enumerate(block):
        for name in _surely_binds(statement) or ():
            first.setdefault(name, position)
    return [start_of(statement) for statement in block], first


def _bound_inside(index: NameIndex, statement: ast.stmt, loop: ast.For, name: str) -> bool:
    """``statement`` holds ``loop``: what entering the block that holds it binds (a loop's
    target, a ``with`` target, an ``except ... as`` name, a ``try`` body completed before
    its ``else``), then the path inside that block."""
    for handler in getattr(statement, "handlers", ()):
        if _in_block(handler.body, loop):
            return handler.name == name or _bound_on_path(index, handler.body, loop, name)
    blocks = [getattr(statement, field, None) or [] for field in ("body", "orelse", "finalbody")]
    blocks.extend(case.body for case in getattr(statement, "cases", ()))
    block = next((block for block in blocks if _in_block(block, loop)), [])
    entered = False
    if isinstance(statement, (ast.For, ast.AsyncFor)) and block is statement.body:
        entered = name in set(target_names(statement.target))
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        entered = name in _with_targets(statement)
    elif isinstance(statement, _TRIES) and block is statement.orelse:
        completed = _block_binds(statement.body)  # None: the ``else`` is never reached
        entered = completed is None or name in completed
    return entered or (bool(block) and _bound_on_path(index, block, loop, name))


_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))


_LEAVES = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _holds(statement: ast.stmt, loop: ast.For) -> bool:
    return _in_block([statement], loop)


def _in_block(block: list[ast.stmt], loop: ast.For) -> bool:
    """``loop`` is in ``block``, by position (its statements are in order)."""
    return bool(block) and start_of(block[0]) <= start_of(loop) and _end(loop) <= _end(block[-1])


def _end(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _surely_binds(statement: ast.stmt) -> frozenset[str] | None:
    """The names ``statement`` has bound when it completes: an assignment's, an import's,
    a definition's, a ``with`` target, those an ``if`` binds in both branches, a ``try``
    in its body and every handler (or its ``finally``). Not a loop's (it may run no
    pass), nor a ``with`` body's (the context manager may swallow an exception). None
    when it never completes (``return``, ``raise``, ``break``, ``continue``)."""
    if isinstance(statement, _LEAVES):
        return None
    if isinstance(statement, ast.Assign):
        return frozenset(name for target in statement.targets for name in target_names(target))
    if isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        target = statement.target
        if isinstance(target, ast.Name) and statement.value is not None:
            return frozenset({target.id})
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        names = statement.names
        return frozenset(alias.asname or alias.name.split(".")[0] for alias in names)
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return frozenset({statement.name})
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        return frozenset(_with_targets(statement))
    elif isinstance(statement, ast.If):
        return _both(_block_binds(statement.body), _block_binds(statement.orelse))
    elif isinstance(statement, _TRIES):
        completed = _block_binds([*statement.body, *statement.orelse])
        for handler in statement.handlers:
            completed = _both(completed, _block_binds(handler.body))
        finally_ = _block_binds(statement.finalbody)
        return None if completed is None or finally_ is None else completed | finally_
    return frozenset()


def _block_binds(block: list[ast.stmt]) -> frozenset[str] | None:
    """The names running ``block`` to its end binds; None when it never gets there."""
    found: frozenset[str] = frozenset()
    for statement in block:
        names = _surely_binds(statement)
        if names is None:
            return None
        found |= names
    return found


def _both(first: frozenset[str] | None, second: frozenset[str] | None) -> frozenset[str] | None:
    """What two branches both bind (a branch that never completes binds anything)."""
    if first is None or second is None:
        return second if first is None else first
    return first & second


def _with_targets(statement: ast.With | ast.AsyncWith) -> set[str]:
    return {
        bound
        for item in statement.items
        if item.optional_vars is not None
        for bound in target_names(item.optional_vars)
    }


def is_local(function: ast.AST, name: str) -> bool:
    """``function`` binds ``name`` (a parameter, an assignment, a loop or ``with`` target,
    an import, a definition) and does not declare it ``global`` or ``nonlocal``: from the
    function's one index (``NameIndex``), not a walk per loop."""
    stores = name_index(function).stores.get(name, [])
    if any(isinstance(node, (ast.Global, ast.Nonlocal)) for node in stores):
        return False
    return bool(stores) or name in parameter_names(function)
