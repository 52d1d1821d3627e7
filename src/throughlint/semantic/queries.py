"""Query chains: what an expression that produces rows is, as far as one file can tell.

``Book.objects.select_related("author").filter(...)`` is a Django queryset over
``app.models.Book`` that loads ``author``; ``session.scalars(select(User).options(
selectinload(User.addresses)))`` is a SQLAlchemy query over ``app.models.User`` that loads
``addresses``. Names bound to such expressions are followed. Whether ``Book`` really is a
model, and which of its attributes are relations, is the project index's business.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.semantic.eager_loads import lookup_paths
from throughlint.semantic.expressions import source_text
from throughlint.semantic.scope import Binding, BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_MAX_DEPTH = 6
_DJANGO_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# the queryset methods that hand on the same rows (refined); a custom manager's or
# queryset's own method may load relations on its way, or not
DJANGO_ROW_METHODS = frozenset(
    {"all", "filter", "exclude", "order_by", "select_related", "prefetch_related", "annotate",
     "alias", "only", "defer", "distinct", "using", "reverse", "select_for_update", "iterator",
     "union", "extra", "complex_filter", "values", "values_list"}
)  # fmt: skip
_EAGER = frozenset(
    {"selectinload", "joinedload", "subqueryload", "immediateload", "contains_eager"}
)
_SQLALCHEMY_SESSION_QUERIES = frozenset({"scalars", "execute", "query", "scalar", "exec"})


@dataclass(frozen=True, slots=True)
class QueryChain:
    """Rows from a query. ``model`` is the qualified name of the queried class;
    ``loaded`` the relation paths it loads with its rows (``author``, ``author__publisher``,
    ``addresses``); ``loads_all`` for ``select_related()`` with no arguments; ``rows_are_dicts``
    for ``values()`` / ``values_list()`` / raw column selects."""

    framework: str
    model: str
    text: str
    loaded: frozenset[str] = frozenset()
    loads_all: bool = False
    rows_are_dicts: bool = False
    manager: str = "objects"


def query_chain(
    model: SemanticModel, node: ast.expr | None, custom_managers: bool = False
) -> QueryChain | None:
    """The query an iterable comes from, following names bound to it. With
    ``custom_managers``, a row method on any attribute of a class (``Order.active.all()``)
    starts a Django chain too: for a caller whose answer the project index confirms (the
    class a Django model, the attribute one of its relations)."""
    return _chain(model, node, 0, custom_managers)


def iterated_query_chain(
    model: SemanticModel, iterable: ast.expr | None, custom_managers: bool = False
) -> QueryChain | None:
    """The query whose rows a loop over ``iterable`` gets: the query itself, its rows read
    into a list first (``list(qs)``, ``sorted(qs, key=...)``) or a slice of it
    (``qs[:50]``), following names bound to those."""
    return query_chain(model, _rows_of(model, iterable), custom_managers)


def _rows_of(model: SemanticModel, node: ast.expr | None) -> ast.expr | None:
    """``node`` without the materializers and slices around it, through names bound to
    one; a name bound to the query itself is left for ``query_chain`` to follow."""
    for _ in range(_MAX_DEPTH):
        if node is None:
            return None
        inner = _unmaterialized(model, node)
        if inner is None and isinstance(node, ast.Name):
            followed = _follow(model, node, 0)
            if followed is not None and _unmaterialized(model, followed) is not None:
                inner = followed
        if inner is None:
            return node
        node = inner
    return node


def _unmaterialized(model: SemanticModel, node: ast.expr) -> ast.expr | None:
    """What ``list(x)``, ``sorted(x, key=...)`` or ``x[a:b]`` reads; None for another node."""
    return model.materialized(node)


def _follow(model: SemanticModel, node: ast.expr, depth: int) -> ast.expr | None:
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if (
            binding is not None
            and binding.kind is BindingKind.ASSIGNMENT
            and binding.value is not None
        ):
            return _unfolded(model, binding, depth)
    return None


def _unfolded(model: SemanticModel, binding: Binding, depth: int) -> ast.expr | None:
    """The value of ``binding`` with the name it reassigns replaced by what that name held
    before: ``qs = qs.prefetch_related("x")`` after ``qs = Theme.objects.all()`` is
    ``Theme.objects.all().prefetch_related("x")``."""
    value = binding.value
    previous = binding.previous
    if previous is None or value is None:
        return value
    known = model.memo("queries.unfolded")
    if value in known:
        return known[value]
    known[value] = None  # a cycle or too deep: no chain
    earlier = None
    if previous.kind is BindingKind.ASSIGNMENT and depth < _MAX_DEPTH:
        earlier = _unfolded(model, previous, depth + 1)
    if earlier is None:
        return None
    result = _Replace(binding.name, earlier).visit(copy.deepcopy(value))
    known[value] = result
    return result


class _Replace(ast.NodeTransformer):
    def __init__(self, name: str, value: ast.expr) -> None:
        self.name, self.value = name, value

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.value if node.id == self.name else node


def _chain(
    model: SemanticModel, node: ast.expr | None, depth: int, custom: bool = False
) -> QueryChain | None:
    if node is None or depth > _MAX_DEPTH:
        return None
    followed = _follow(model, node, depth)
    if followed is not None:
        return _chain(model, followed, depth + 1, custom)
    if isinstance(node, ast.Await):
        return _chain(model, node.value, depth + 1, custom)
    return _django_chain(model, node, depth, custom) or _sqlalchemy_chain(model, node, depth)


def prefetched(model: SemanticModel, node: ast.expr | None) -> frozenset[str]:
    """The relation paths ``select_related`` / ``prefetch_related`` calls along ``node``'s
    method chain load, whatever the chain starts from (``tree.get_ancestors()`` refined
    with ``.prefetch_related("css")``), following names bound to it."""
    found: set[str] = set()
    current, depth = node, 0
    while current is not None and depth <= _MAX_DEPTH:
        if isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            if current.func.attr in ("select_related", "prefetch_related"):
                found.update(lookup_paths(model, current.args))
            current = current.func.value
            continue
        current, depth = _follow(model, current, depth), depth + 1
    return frozenset(found)


def _django_chain(
    model: SemanticModel, node: ast.expr, depth: int, custom: bool = False
) -> QueryChain | None:
    loaded: set[str] = set()
    loads_all = False
    dicts = False
    current = node
    seen_call = False
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        method = current.func.attr
        if method not in DJANGO_ROW_METHODS:
            return None
        seen_call = True
        if method in ("select_related", "prefetch_related"):
            names = lookup_paths(model, current.args)
            loaded.update(names)
            if method == "select_related" and not current.args:
                loads_all = True
        elif method in ("values", "values_list"):
            dicts = True
        current = current.func.value
    if not seen_call:
        return None
    if isinstance(current, ast.Attribute) and (
        current.attr in _DJANGO_MANAGERS
        or (custom and current.attr != "query" and _class_attribute(model, current))
    ):
        owner = model.resolve(current.value)
        if owner is None or owner.endswith(("()", "[]")):
            return None
        return QueryChain(
            "django", owner, _short(node), frozenset(loaded), loads_all, dicts, current.attr
        )
    inner = _chain(model, current, depth + 1, custom)  # a queryset bound to a name, refined
    if inner is None or inner.framework != "django":
        return None
    return QueryChain(
        "django",
        inner.model,
        _short(node),
        inner.loaded | loaded,
        inner.loads_all or loads_all,
        inner.rows_are_dicts or dicts,
        inner.manager,
    )


def _class_attribute(model: SemanticModel, node: ast.Attribute) -> bool:
    """``Order.active``: an attribute of a name bound to a class (defined here or
    imported), not of an instance, a call's result or a module attribute chain."""
    if not isinstance(node.value, ast.Name):
        return False
    binding = model.lookup(node.value.id)
    return binding is not None and binding.kind in (BindingKind.CLASS, BindingKind.IMPORT)


def _sqlalchemy_chain(model: SemanticModel, node: ast.expr, depth: int) -> QueryChain | None:
    """``session.scalars(select(User)...)``, ``session.execute(stmt).scalars()``,
    ``session.query(User).options(...)``, Flask-SQLAlchemy's ``User.query.filter_by(...)``:
    the entity and its eager loads."""
    entity: str | None = None
    loaded: set[str] = set()
    saw_session = False
    for child in _walk_followed(model, node, depth):
        if isinstance(child, ast.Attribute) and child.attr == "query":
            if _class_attribute(model, child):  # Flask-SQLAlchemy's ``User.query``
                saw_session = True
                entity = entity or model.resolve(child.value)
            continue
        if not isinstance(child, ast.Call):
            continue
        func = child.func
        name = model.resolve(func)
        short = (
            name.rsplit(".", 1)[-1]
            if name
            else (func.attr if isinstance(func, ast.Attribute) else None)
        )
        if short == "select" and child.args and _select_function(name) and not _own(model, func):
            entity = entity or model.resolve(child.args[0])
        elif isinstance(func, ast.Attribute) and func.attr in _SQLALCHEMY_SESSION_QUERIES:
            saw_session = True
            if func.attr == "query" and child.args:
                entity = entity or model.resolve(child.args[0])
        elif short in _EAGER and name is not None:  # also ``db.joinedload`` (Flask-SQLAlchemy)
            for argument in child.args:
                if isinstance(argument, ast.Attribute):
                    loaded.add(argument.attr)
                elif isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    loaded.add(argument.value)
    if entity is None or not saw_session or entity.endswith(("()", "[]")):
        return None
    return QueryChain("sqlalchemy", entity, _short(node), frozenset(loaded))


def _select_function(name: str | None) -> bool:
    """SQLAlchemy's ``select``, also as Flask-SQLAlchemy hands it out (``db.select``, ``db``
    its ``SQLAlchemy()``, here or imported from a project module: the index confirms the
    entity is a mapped class). Not the ``select`` module."""
    if name is None:
        return False
    if name.startswith(("sqlalchemy", "flask_sqlalchemy")):
        return True
    return "." in name and not name.startswith(("select.", "builtins.", "asyncio."))


def _own(model: SemanticModel, func: ast.expr) -> bool:
    """``select`` defined by a ``def`` of this module: the project's own function, which
    may build any statement (``sqlalchemy.select(e).options(raiseload("*"))``)."""
    if not isinstance(func, ast.Name):
        return False
    binding = model.lookup(func.id)
    return binding is not None and binding.kind is BindingKind.FUNCTION


def _walk_followed(model: SemanticModel, node: ast.expr, depth: int):
    """Walk an expression, stepping into names bound (by assignment) to statements."""
    stack = [(node, depth)]
    while stack:
        current, level = stack.pop()
        yield current
        if isinstance(current, ast.Name) and level < _MAX_DEPTH:
            followed = _follow(model, current, level)
            if followed is not None:
                stack.append((followed, level + 1))
            continue
        for child in ast.iter_child_nodes(current):
            if isinstance(child, ast.expr):
                stack.append((child, level))


def _short(node: ast.AST, limit: int = 50) -> str:
    text = " ".join(source_text(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# what a returned queryset may have loaded, or turned into dicts or tuples: which
# relations it loaded is not kept, so nothing is claimed about its rows' relations
NOT_PLAIN_ROWS = frozenset({"select_related", "prefetch_related", "values", "values_list"})


def helper_query(model: SemanticModel, iterable: ast.expr | None) -> str | None:
    """``for row in recent_orders():`` (also through ``list()`` and a name bound to the
    call): the called function's resolved name with ``()``, for the index to type by what
    the function returns (``database_values``); None for anything else."""
    if iterable is None:
        return None
    node = model.materialized(iterable) or iterable
    if isinstance(node, ast.Name):
        bound = model.lookup(node.id)
        if bound is None or bound.kind is not BindingKind.ASSIGNMENT or bound.value is None:
            return None
        node = model.materialized(bound.value) or bound.value
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return None
    name = model.resolve(node.func)
    if name is None or name.startswith("builtins.") or name.endswith(("()", "[]")):
        return None
    return f"{name}()"


def attribute_source(model: SemanticModel, iterable: ast.expr | None) -> str | None:
    """``for g in self.cached_groups:`` or ``for ds in review_request.cached_diffsets:``:
    the attribute's resolved name (``mod.User().cached_groups``), for the index to ask
    what the property behind it loads (``ProjectIndex.loaded_by``); None for another
    iterable."""
    if iterable is None:
        return None
    node = model.materialized(iterable) or iterable
    if not isinstance(node, ast.Attribute):
        return None
    name = model.resolve(node)
    return name if name is not None and "()." in name else None
