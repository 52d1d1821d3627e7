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
binds the local again or constructs a row of the model looked up. The row found may also
be returned first, the rest creating one::

    stored = session.query(GdriveId).filter(GdriveId.path == "/").first()
    if stored:
        return stored.gdrive_id
    created = GdriveId(path="/")      # ``else:`` or after the ``if``: once per key
    session.merge(created)
    session.commit()

A class's own look-up in an active-record layer counts too: a ``get_by_<key>()`` method
(awaited, or wrapped in ``typing.cast``), and a classmethod that constructs ``cls(...)``
when it found none::

    puppet = cast(cls, await super().get_by_tgid(tgid))
    if puppet:
        return puppet
    puppet = cls(tgid)
    await puppet.insert()

Django's ``get_or_create()`` is a call of its own and stays a write per call.
"""

from __future__ import annotations

import ast
import itertools
from typing import TYPE_CHECKING

from throughlint.semantic.cache_aside import CACHE_READS
from throughlint.semantic.expressions import child_statements, source_text
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
    """The ids of ``function``'s statements that create the row a lookup just before them
    did not find (see the module docstring). One walk of the function."""
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
            todo.extend(child for child in child_statements(node) if not isinstance(child, _NESTED))
        found = known[function] = frozenset(fills)
    return found


def _fills_of(model: SemanticModel, block: list[ast.stmt]) -> list[int]:
    found: list[int] = []
    for position, (before, statement) in enumerate(itertools.pairwise(block)):
        name = _looked_up(model, before)
        if name is None or not isinstance(statement, ast.If):
            continue
        looked_up = _model_looked_up(_unwrapped(before.value))  # type: ignore[attr-defined]
        if unset_subject(statement.test) == name:
            if any(_binds(part, name) for part in statement.body) or (
                looked_up and _creates(statement.body, looked_up)
            ):
                found.extend(map(id, statement.body))
        elif _found_test(statement.test) == name and isinstance(statement.body[-1], ast.Return):
            # the row found is returned: the ``else`` or the rest of the block creates it
            fill = statement.orelse or block[position + 2 :]
            if looked_up and _creates(fill, looked_up):
                found.extend(map(id, fill))
    return found


def _found_test(test: ast.expr) -> str | None:
    """``if name:`` / ``if name is not None:``: the name tested."""
    if isinstance(test, ast.Name):
        return test.id
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
        and isinstance(test.left, ast.Name)
    ):
        return test.left.id
    return None


def _model_looked_up(lookup: ast.expr) -> str | None:
    """The class a row lookup reads: ``session.query(Row)...``, ``Row.objects...``,
    ``Row.query...``; ``cls`` for a class's own ``get_by_<key>()`` through ``cls`` or
    ``super()`` (a classmethod's look-up)."""
    if _own_lookup(lookup):
        return "cls"
    node = lookup
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "query"
                and node.args
                and isinstance(node.args[0], ast.Name)
            ):
                return node.args[0].id
            node = func
        else:
            if node.attr in ("objects", "query") and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
    return None


def _creates(block: list[ast.stmt], class_name: str) -> bool:
    """``block`` constructs a ``class_name`` row (``Row(...)``, ``Row.objects.create``)."""
    for statement in block:
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == class_name:
                return True
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("create", "get_or_create")
                and class_name in source_text(func.value).split(".")[:1]
            ):
                return True
    return False


def _unwrapped(value: ast.expr) -> ast.expr:
    """``cast(T, await lookup(...))`` / ``await lookup(...)``: the lookup call."""
    for _ in range(3):
        if isinstance(value, ast.Await):
            value = value.value
        elif (
            isinstance(value, ast.Call)
            and _named_cast(value.func)
            and source_text(value.func) in ("cast", "typing.cast")
            and len(value.args) == 2
        ):
            value = value.args[1]
        else:
            break
    return value


def _named_cast(func: ast.expr) -> bool:
    """The last name of ``func`` is ``cast``: only then can its text be ``typing.cast``
    (asked first: the text of another callee, ``super().get``, takes the unparser)."""
    return (isinstance(func, ast.Name) and func.id == "cast") or (
        isinstance(func, ast.Attribute) and func.attr == "cast"
    )


def _own_lookup(value: ast.expr) -> bool:
    """``cls.get_by_tgid(...)`` / ``super().get_by_tgid(...)``: an active-record class's
    look-up of one row by a key."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return False
    receiver = value.func.value
    return value.func.attr.startswith("get_by_") and (
        (isinstance(receiver, ast.Name) and receiver.id == "cls")
        or (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Name)
            and receiver.func.id == "super"
        )
    )


def _looked_up(model: SemanticModel, statement: ast.stmt) -> str | None:
    """``name = <...>.first()``: the local a row lookup (or a cache read) is bound to."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    target, value = statement.targets[0], _unwrapped(statement.value)
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
        return None
    func = value.func
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr in _ROW_LOOKUPS or _own_lookup(value):
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
