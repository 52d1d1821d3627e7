"""The cache-aside shape: a function reads a lasting cache, returns what it found, and
only on a miss does the work and fills the cache::

    content = cache.get(key)
    if content is not None:
        return content
    content = download(url)          # on a miss only: once per key while the entry lives
    cache.set(key, content, TIMEOUT)

What follows the early return runs once per key (per expiry), not on every call: a memo
for the summaries (``per_pass.memoised_here`` with ``per_key``). The cache is Django's or
Flask-Caching's, named by what it resolves to, and the block must fill it again with the
same receiver (``set``, ``add``, ``set_many``): a read with no fill is only a lookup.

The same shape on an in-process mapping that outlives the call (a module global, a class
attribute: an identity map of an active-record layer)::

    try:
        return cls.by_fbid[fbid]     # or ``if fbid in cls.by_fbid: return cls.by_fbid[fbid]``
    except KeyError:
        pass
    puppet = await super().get_by_fbid(fbid)   # on a miss only: once per key
    puppet._add_to_cache()           # ``self.by_fbid[self.fbid] = self``

The rest of the block must fill the same mapping, by a subscript assignment or through a
method of the enclosing class that makes one (``_add_to_cache()``, ``postinit()``); a
mapping only read (a lookup table, a registry filled elsewhere) is no memo.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import source_text
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

# lasting caches, by what their ``get`` resolves to
CACHE_READS = (
    "django.core.cache.cache.get",
    "django.core.cache.caches[].get",
    "flask_caching.Cache().get",
)
_FILLS = frozenset({"set", "add", "set_many"})
_WINDOW = 6  # the read and its early return open the block
_BLOCKS = ("body", "orelse", "finalbody")


def after_cache_hit(model: SemanticModel, parent: ast.AST, child: ast.AST) -> bool:
    """``child``, a statement of one of ``parent``'s blocks, comes after a cache-aside
    early return in that block (see the module docstring). Worked out once per
    ``parent``: asked for every statement on a path, and almost always no."""
    known = model.memo("cache_aside.after_hit")
    after = known.get(parent)
    if after is None:
        after = known[parent] = _after_hits(model, parent)
    return bool(after) and id(child) in after


def _after_hits(model: SemanticModel, parent: ast.AST) -> frozenset[int]:
    """The ids of the statements of ``parent``'s blocks that follow an early return on a
    cache hit."""
    after: set[int] = set()
    for name in _BLOCKS:
        block = getattr(parent, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            start = _miss_start(model, block)
            if start >= 0:
                after.update(map(id, block[start:]))
    return frozenset(after)


def _miss_start(model: SemanticModel, block: list[ast.stmt]) -> int:
    """The position of the first statement after the early return, or -1."""
    read: dict[str, str] = {}  # local name -> the cache's receiver text
    for position, statement in enumerate(block[:_WINDOW]):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
            if isinstance(target, ast.Name) and _cache_read(model, value):
                read[target.id] = source_text(value.func.value)  # type: ignore[attr-defined]
        elif isinstance(statement, ast.If) and read:
            name = _hit_test(statement)
            if name in read and _fills(block[position + 1 :], read[name]):
                return position + 1
        mapping = _mapping_hit(model, statement)
        if mapping is not None and _fills_mapping(model, block[position + 1 :], mapping):
            return position + 1
    return -1


def _cache_read(model: SemanticModel, value: ast.expr) -> bool:
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return False
    resolved = model.resolve(value.func)
    return resolved is not None and resolved.startswith(CACHE_READS)


def _hit_test(statement: ast.If) -> str | None:
    """``if name is not None: return ...`` or ``if name: return ...``: the name tested."""
    if statement.orelse or len(statement.body) != 1:
        return None
    if not isinstance(statement.body[0], ast.Return):
        return None
    test = statement.test
    if isinstance(test, ast.Name):
        return test.id
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    return None


def _fills(rest: list[ast.stmt], receiver: str) -> bool:
    """A later statement of the block fills the same cache (``cache.set(key, ...)``)."""
    for statement in rest:
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _FILLS
                and source_text(node.func.value) == receiver
            ):
                return True
    return False


_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))
_MISSES = frozenset({"KeyError", "LookupError"})


def lasting_container(model: SemanticModel, node: ast.expr) -> bool:
    """A cache that outlives the call and the object: a module global (a name the function
    does not bind), a class attribute (``cls._cache``, ``self.__class__._cache``,
    ``Color._cache``). Not a local, and not ``self._cache``: per object, one fill per key
    per object is still one round trip per distinct key of a loop."""
    if isinstance(node, ast.Name):
        binding = model.scope.bindings.get(node.id)
        return binding is None and model.function is not None
    if not isinstance(node, ast.Attribute):
        return False
    owner = node.value
    if isinstance(owner, ast.Attribute) and owner.attr == "__class__":
        return True
    if not isinstance(owner, ast.Name):
        return False
    binding = model.lookup(owner.id)  # a classmethod's ``cls`` is bound as the class
    return binding is not None and binding.kind is BindingKind.CLASS


def _mapping_hit(model: SemanticModel, statement: ast.stmt) -> ast.expr | None:
    """The lasting mapping of an early return on a hit: ``try: return M[key]`` whose
    ``except KeyError:`` falls through, or ``if key in M: return M[key]``."""
    if isinstance(statement, _TRIES):
        if statement.orelse or statement.finalbody or len(statement.body) != 1:
            return None
        if not statement.handlers or not all(_falls_through(h) for h in statement.handlers):
            return None
        found = _returned_item(statement.body[0])
    elif isinstance(statement, ast.If):
        test = statement.test
        if statement.orelse or len(statement.body) != 1 or not isinstance(test, ast.Compare):
            return None
        if len(test.ops) != 1 or not isinstance(test.ops[0], ast.In):
            return None
        found = _returned_item(statement.body[0])
        if found is None or source_text(found) != source_text(test.comparators[0]):
            return None
    else:
        return None
    return found if found is not None and lasting_container(model, found) else None


def _falls_through(handler: ast.ExceptHandler) -> bool:
    """``except KeyError: pass``: a miss goes on to the work after the ``try``."""
    caught = handler.type
    names = {
        name.id
        for name in (caught.elts if isinstance(caught, ast.Tuple) else [caught])
        if isinstance(name, ast.Name)
    }
    return bool(names & _MISSES) and all(isinstance(s, ast.Pass) for s in handler.body)


def _returned_item(statement: ast.stmt) -> ast.expr | None:
    """``M`` of ``return M[key]``."""
    if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Subscript):
        return statement.value.value
    return None


def _fills_mapping(model: SemanticModel, rest: list[ast.stmt], mapping: ast.expr) -> bool:
    """A later statement assigns an item of ``mapping``, or calls a method of the enclosing
    class whose body does (``puppet._add_to_cache()``): the miss fills the memo."""
    attribute = mapping.attr if isinstance(mapping, ast.Attribute) else None
    fillers = _filling_methods(model, attribute) if attribute else frozenset()
    text = source_text(mapping)
    for statement in rest:
        for node in ast.walk(statement):
            if isinstance(node, ast.Assign) and any(
                _item_of(target, text, attribute) for target in node.targets
            ):
                return True
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in fillers
            ):
                return True
    return False


def _item_of(target: ast.expr, text: str, attribute: str | None) -> bool:
    """``target`` is ``M[...]``, or ``self.<attribute>[...]`` / ``cls.<attribute>[...]``."""
    if not isinstance(target, ast.Subscript):
        return False
    owner = target.value
    if source_text(owner) == text:
        return True
    return (
        attribute is not None
        and isinstance(owner, ast.Attribute)
        and owner.attr == attribute
        and isinstance(owner.value, ast.Name)
        and owner.value.id in ("self", "cls")
    )


def _filling_methods(model: SemanticModel, attribute: str) -> frozenset[str]:
    """The methods of the class around the function being visited that assign an item of
    ``self.<attribute>`` or ``cls.<attribute>`` in their own body."""
    function = model.function
    owner = next((c for c in reversed(model.classes) if any(s is function for s in c.body)), None)
    if owner is None:
        return frozenset()
    known = model.memo("cache_aside.filling_methods")
    key = (owner, attribute)
    if key not in known:
        known[key] = frozenset(
            method.name
            for method in owner.body
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any(
                isinstance(node, ast.Assign)
                and any(_item_of(target, "", attribute) for target in node.targets)
                for node in ast.walk(method)
            )
        )
    return known[key]
