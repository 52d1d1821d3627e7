"""Relations a call loads eagerly, by name: Django's ``prefetch_related("files")``,
``select_related("author")``, ``Prefetch("files", queryset=...)`` and
``prefetch_related_objects(rows, "files")``. Only the first step of a path
(``"files__comments"``: ``files``), which is what an item's attribute reads.

A project function whose body makes such a call may return rows that come with those
relations (reviewboard's ``get_diffsets()`` prefetches ``files`` on every path): the
index keeps the names per function (``FileFacts.loads``), and a loop over the function's
result reading one of them is not 1 + N queries.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_QUERYSET_LOADERS = frozenset({"prefetch_related", "select_related"})
_DJANGO_FUNCTIONS = frozenset(
    {"django.db.models.prefetch_related_objects", "django.db.models.query.prefetch_related_objects"}
)
_PREFETCH = frozenset({"django.db.models.Prefetch", "django.db.models.query.Prefetch"})


def eager_loads(model: SemanticModel, node: ast.Call) -> list[str]:
    """The relation names ``node`` loads eagerly (see the module docstring), or []."""
    func = node.func
    short = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if short in _QUERYSET_LOADERS and isinstance(func, ast.Attribute):
        return _django_paths(model, node.args)
    if short != "prefetch_related_objects":
        return []  # the name first: no resolution for the other calls of the walk
    name = model.resolve(func)
    if name in _DJANGO_FUNCTIONS:
        return _django_paths(model, node.args[1:])
    return []


def _django_paths(model: SemanticModel, args: list[ast.expr]) -> list[str]:
    found = []
    for arg in args:
        if isinstance(arg, ast.Call) and arg.args and model.resolve(arg.func) in _PREFETCH:
            arg = arg.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
            found.append(arg.value.split("__", 1)[0])
    return found
