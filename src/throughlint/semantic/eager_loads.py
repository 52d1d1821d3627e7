"""Relations a call loads eagerly, by name: Django's ``prefetch_related("files")``,
``select_related("author")``, ``Prefetch("files", queryset=...)`` and
``prefetch_related_objects(rows, "files")``. Only the first step of a path
(``"files__comments"``: ``files``), which is what an item's attribute reads.

A project function that returns the rows of such a call, on every call, returns rows that
come with those relations (weblate's ``cached_groups`` property prefetches the groups'
roles): the index keeps the names per function (``FileFacts.loads``), and a loop over
the function's result reading one of them is not 1 + N queries. A prefetch under a guard
on a parameter (``if with_files:``), in one arm of a conditional expression, on a query
the function does not return, or into another attribute (``Prefetch("files",
to_attr="visible")``) is not counted. A lookup may be a module constant bound once to
such a value (``NEWEST_FIRST = Prefetch("books", queryset=...)``, ``RELATED = "author"``),
or a module tuple or list of them unpacked into the call (``*PREFETCHES``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import source_text, walk_same_function
from throughlint.semantic.guards import call_guard
from throughlint.semantic.literal_values import module_constant

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_QUERYSET_LOADERS = frozenset({"prefetch_related", "select_related"})
_DJANGO_FUNCTIONS = frozenset(
    {"django.db.models.prefetch_related_objects", "django.db.models.query.prefetch_related_objects"}
)
_PREFETCH = frozenset({"django.db.models.Prefetch", "django.db.models.query.Prefetch"})


def returned_loads(model: SemanticModel, node: ast.Call) -> list[str]:
    """The relation names ``node`` loads eagerly when what it loads is what the function
    returns: the call is in a ``return``, or its rows reach one through the names and
    ``self`` attributes the function binds (``qs = qs.prefetch_related("files")``, ``rows =
    list(qs)``, ``return rows``); and it runs on every call (no guard on a parameter: a
    ``with_files=False`` caller gets none). A prefetch on another query is not counted."""
    names = eager_loads(model, node)
    if not names or call_guard(model) is not None:
        return []
    function = model.function
    if function is None or _conditional(model, node):
        return []
    flows = _flows_to_return(model, function)
    statement = model.node_stack[-1] if model.node_stack else None  # the innermost one
    if isinstance(statement, ast.Return):
        return names
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if any(source_text(target) in flows for target in targets):
            return names
    # ``prefetch_related_objects(rows, "files")`` on rows the function returns
    if isinstance(statement, ast.Expr) and node.args and source_text(node.args[0]) in flows:
        return names
    return []


def _conditional(model: SemanticModel, node: ast.Call) -> bool:
    """The prefetch runs only on some calls: in one arm of a conditional expression
    (``qs.prefetch_related("files") if with_files else qs``)."""
    stack = model.node_stack
    statement = stack[-1] if stack else None
    return statement is not None and any(
        isinstance(part, ast.IfExp) and any(n is node for n in ast.walk(part))
        for part in ast.walk(statement)
    )


def _flows_to_return(model: SemanticModel, function: ast.AST) -> frozenset[str]:
    """The names and attributes (``rows``, ``self._rows``) whose value the function
    returns, directly or through other such names it binds from them. One walk of the
    function, remembered."""
    memo = model.memo("eager_loads.flows")
    found = memo.get(function)
    if found is None:
        returned: set[str] = set()
        bound: list[tuple[str, set[str]]] = []
        for node in walk_same_function(function):
            if isinstance(node, ast.Return) and node.value is not None:
                returned.update(_read(node.value))
            elif isinstance(node, ast.Assign):
                read = _read(node.value)
                bound.extend((source_text(target), read) for target in node.targets)
        for _ in range(4):  # ``qs`` -> ``rows = list(qs)`` -> ``self._rows = rows``
            grown = {name for target, read in bound if target in returned for name in read}
            if grown <= returned:
                break
            returned |= grown
        found = memo[function] = frozenset(returned)
    return found


def _read(node: ast.expr) -> set[str]:
    return {
        source_text(part)
        for part in ast.walk(node)
        if isinstance(part, ast.Name)
        or (isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name))
    }


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
    return [lookup.split("__", 1)[0] for lookup in lookup_paths(model, args)]


def lookup_paths(model: SemanticModel, args: list[ast.expr]) -> list[str]:
    """The lookup paths the arguments of ``prefetch_related`` / ``select_related`` (or
    ``prefetch_related_objects`` after its rows) name, whole (``"files__comments"``):
    strings and a ``Prefetch``'s first argument, but not one stored under another
    attribute (``to_attr``), with module constants read as their values."""
    found = []
    for arg in _lookups(model, args):
        if isinstance(arg, ast.Call) and arg.args and model.resolve(arg.func) in _PREFETCH:
            if any(keyword.arg == "to_attr" for keyword in arg.keywords):
                continue  # ``Prefetch("files", to_attr="visible")``: ``files`` still queries
            arg = arg.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
            found.append(arg.value)
    return found


def _lookups(model: SemanticModel, args: list[ast.expr]) -> list[ast.expr]:
    """The lookups ``args`` spell, a module constant read as its value: ``NEWEST_FIRST``
    and each item of ``*PREFETCHES`` (a tuple or list display bound once at module level)."""
    found: list[ast.expr] = []
    for arg in args:
        if isinstance(arg, ast.Starred):
            value = module_constant(model, arg.value)
            if isinstance(value, (ast.Tuple, ast.List)):
                found.extend(module_constant(model, item) or item for item in value.elts)
            continue
        found.append(module_constant(model, arg) or arg)
    return found
