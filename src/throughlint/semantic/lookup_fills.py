"""Get-or-create written out: a row looked up, and created only when the lookup found
nothing::

    entity_type = EntityType.query.filter_by(name=name).first()
    if entity_type is None:
        entity_type = EntityType.create(name=name)   # once per key: the row then exists

The ``if`` block runs once per key in the database's life, not on every call: a memo for
the summaries (``per_pass.memoised_here`` with ``per_key``), whose lasting store is the
table itself. The lookup is a call whose last method fetches one row or none
(``first()``, ``one_or_none()``, ``get_by()``; ``get()`` of a manager, a query, a session
or a lasting cache, not a dict's), bound to a local just before the ``if``, and the block
binds the local again. Django's ``get_or_create()`` is a call of
its own and stays a write per call.
"""

from __future__ import annotations

import ast
import itertools
from typing import TYPE_CHECKING

from throughlint.semantic.cache_aside import CACHE_READS
from throughlint.semantic.expressions import source_text
from throughlint.semantic.unset_tests import unset_subject

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_ROW_LOOKUPS = frozenset(
    {"first", "one_or_none", "scalar_one_or_none", "get_by", "last", "find_one"}
)
# ``get`` fetches a row or a cache entry only on these (a dict's ``get`` is neither)
_GET_RECEIVERS = (".objects.", ".query.", ".session.")
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def lookup_fills(model: SemanticModel, function: ast.AST) -> frozenset[int]:
    """The ids of ``function``'s ``if`` statements that create the row the statement just
    before them looked up and did not find. One walk of the function."""
    known = model.memo("lookup_fills")
    found = known.get(function)
    if found is None:
        fills: set[int] = set()
        todo: list[ast.AST] = [function]
        while todo:
            node = todo.pop()
            for name in ("body", "orelse", "finalbody"):
                block = getattr(node, name, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    fills.update(_fills_of(model, block))
            if isinstance(node, ast.Try):
                todo.extend(node.handlers)
            todo.extend(
                child
                for child in ast.iter_child_nodes(node)
                if isinstance(child, ast.stmt) and not isinstance(child, _NESTED)
            )
        found = known[function] = frozenset(fills)
    return found


def _fills_of(model: SemanticModel, block: list[ast.stmt]) -> list[int]:
    found = []
    for before, statement in itertools.pairwise(block):
        name = _looked_up(model, before)
        if (
            name is not None
            and isinstance(statement, ast.If)
            and unset_subject(statement.test) == name
            and any(_binds(part, name) for part in statement.body)
        ):
            found.append(id(statement))
    return found


def _looked_up(model: SemanticModel, statement: ast.stmt) -> str | None:
    """``name = <...>.first()``: the local a row lookup (or a cache read) is bound to."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    target, value = statement.targets[0], statement.value
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
        return None
    func = value.func
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr in _ROW_LOOKUPS:
        return target.id
    if func.attr != "get":
        return None
    resolved = model.resolve(func) or ""
    if resolved.startswith(CACHE_READS) or any(part in resolved for part in _GET_RECEIVERS):
        return target.id
    return None


def _binds(statement: ast.stmt, name: str) -> bool:
    return isinstance(statement, ast.Assign) and any(
        source_text(target) == name for target in statement.targets
    )
