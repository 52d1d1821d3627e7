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
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import source_text

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
_MISS_STARTS: dict[int, tuple[list[ast.stmt], dict[int, int], int]] = {}


def after_cache_hit(model: SemanticModel, block: list[ast.stmt], child: ast.AST) -> bool:
    """``child``, a statement of ``block``, comes after a cache-aside early return (see
    the module docstring). Worked out once per block: asked for every node on a path."""
    known = _MISS_STARTS.get(id(block))
    if known is None or known[0] is not block:
        if len(_MISS_STARTS) > 4096:
            _MISS_STARTS.clear()
        positions = {id(statement): n for n, statement in enumerate(block)}
        known = _MISS_STARTS[id(block)] = (block, positions, _miss_start(model, block))
    start = known[2]
    position = known[1].get(id(child))
    return start >= 0 and position is not None and position >= start


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
