"""The class of a container's items, from the container's annotation: a loop over
``self._processors.items()`` with ``_processors: dict[FileInfo, ProcessorProcess]`` hands
out ``ProcessorProcess`` objects, so ``processor.kill()`` is that class's ``kill``, not the
one model of the project that happens to define a ``kill`` (issue 12: a receiver's type
decided by a method's name; airflow's DAG processor, audit third.tsv).

Read from a parameter's annotation and from the annotations a class gives its attributes
(in its body, ``_jobs: list[Job]``, or in a method, ``self._jobs: list[Job] = []``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.annotations import annotated_class, unwrap_annotation
from throughlint.semantic.scope import BindingKind, ScopeKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_MAPPINGS = frozenset(
    {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "DefaultDict", "OrderedDict"}
)
_COLLECTIONS = frozenset(
    {"list", "List", "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection"}
    | {"set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet", "deque", "Deque"}
)
_VIEWS = {"keys": 0, "values": 1}


def item_class(model: SemanticModel, iterable: ast.expr, position: int | None) -> ast.expr | None:
    """The class (an annotation's name node) of what a loop over ``iterable`` binds:
    with ``position`` 0 or 1, the key or the value a 2-tuple target unpacks from
    ``X.items()``; without, the item of ``X``, ``X.keys()`` or ``X.values()``. None when
    no annotation of ``X`` says."""
    container, view = iterable, None
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr in ("items", "keys", "values")
        and not iterable.args
        and not iterable.keywords
    ):
        container, view = iterable.func.value, iterable.func.attr
    if (view == "items") != (position is not None):
        return None
    annotation = unwrap_annotation(_annotation(model, container))
    if not isinstance(annotation, ast.Subscript):
        return None
    head = annotation.value
    kind = head.id if isinstance(head, ast.Name) else getattr(head, "attr", None)
    parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
    if kind in _MAPPINGS and len(parts) == 2:
        index = position if view == "items" else _VIEWS.get(view or "keys", 0)
    elif kind in _COLLECTIONS and len(parts) == 1 and view is None:
        index = 0
    else:
        return None
    return annotated_class(parts[index])  # type: ignore[index]


def annotated_item(model: SemanticModel, node: ast.expr) -> str | None:
    """The instance (``app.Shard()``) a loop variable holds when its loop's container is
    annotated (``shards: list[Shard]``), as ``resolve`` spells a parameter annotated
    ``Shard``; None for any other node."""
    if not isinstance(node, ast.Name):
        return None
    binding = model.lookup(node.id)
    if binding is None or binding.kind is not BindingKind.LOOP_VARIABLE or binding.value is None:
        return None
    annotated = item_class(model, binding.value, None)
    name = model.resolve(annotated) if annotated is not None else None
    return f"{name}()" if name is not None else None


def _annotation(model: SemanticModel, node: ast.expr) -> ast.expr | None:
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if binding is not None and binding.kind is BindingKind.PARAMETER:
            return binding.value  # the parameter's annotation
        return None
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
        return None
    binding = model.lookup(node.value.id)
    if binding is None or binding.kind is not BindingKind.SELF:
        return None
    owner = _enclosing_class(model)
    if owner is None:
        return None
    return attribute_annotations(model, owner).get(node.attr)


def _enclosing_class(model: SemanticModel) -> ast.ClassDef | None:
    scope = model.scope
    while scope is not None:
        if scope.kind is ScopeKind.CLASS and isinstance(scope.node, ast.ClassDef):
            return scope.node
        scope = scope.parent
    return None


def attribute_annotations(model: SemanticModel, class_def: ast.ClassDef) -> dict[str, ast.expr]:
    """The annotation of each attribute ``class_def`` annotates, in its body or as
    ``self.x: T`` in a method (the body's first); worked out once per class."""
    memo = model.memo("container_types.attributes")
    found = memo.get(class_def)
    if found is None:
        found = memo[class_def] = {}
        for statement in class_def.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                found.setdefault(statement.target.id, statement.annotation)
        for statement in class_def.body:
            if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(statement):
                target = node.target if isinstance(node, ast.AnnAssign) else None
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    found.setdefault(target.attr, node.annotation)  # type: ignore[union-attr]
    return found
