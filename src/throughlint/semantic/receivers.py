"""Where the receiver of a method call comes from, when its type is unknown: the evidence
that lets the index tie ``x.kill()`` to a model's ``kill()`` (``x`` is a row of a query
of that model), or rule it out (``x`` is a str, or an item of what a package returned)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.semantic.container_types import item_class
from throughlint.semantic.queries import query_chain
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_MAX_DEPTH = 6
_STR_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "zfill", "center", "ljust",
     "rjust", "expandtabs", "swapcase", "capitalize", "removeprefix", "removesuffix",
     "format_map"}
)  # fmt: skip
"""Methods of ``str`` that no model defines: their result is a str."""
_BUILTIN_VALUES = frozenset(
    {"str", "bytes", "bytearray", "dict", "list", "set", "frozenset", "tuple", "int", "float",
     "repr", "format", "sorted", "reversed", "enumerate", "zip", "range", "map", "filter"}
)  # fmt: skip


_SAME_ITEMS = frozenset({"list", "sorted", "reversed", "tuple", "set"})
_SCALARS = frozenset({"str", "bytes", "bytearray", "int", "float", "repr", "format"})


@dataclass(frozen=True, slots=True)
class Origin:
    """``model``: rows of a query of that class (evidence for it); ``name``: the qualified
    name the value comes from (``psutil.Process().children()[]``), for the index to judge;
    ``foreign``: known not to be an object of the project (a str, a builtin value)."""

    model: str | None = None
    name: str | None = None
    foreign: bool = False


FOREIGN = Origin(foreign=True)


def receiver_origin(model: SemanticModel, node: ast.expr) -> Origin | None:
    """What the receiver ``node`` holds, as far as this file tells; None when nothing."""
    return _origin(model, node, 0)


def _origin(model: SemanticModel, node: ast.expr, depth: int) -> Origin | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, ast.Constant):
        return FOREIGN
    if isinstance(node, (ast.JoinedStr, ast.List, ast.Dict, ast.Set, ast.Tuple)):
        return FOREIGN
    if isinstance(node, ast.BinOp) and any(
        isinstance(side, (ast.Constant, ast.JoinedStr)) for side in (node.left, node.right)
    ):
        return FOREIGN  # ``"%s" % x``, ``prefix + "x"``
    if isinstance(node, ast.Await):
        return _origin(model, node.value, depth + 1)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and (
            func.attr in _STR_METHODS or isinstance(func.value, ast.Constant)
        ):
            return FOREIGN  # ``name.strip()``, ``", ".join(parts)``
        if _builtin(model, func, _BUILTIN_VALUES):
            return FOREIGN
        chain = query_chain(model, node)
        if chain is not None:
            return Origin(model=chain.model)
        return _named(model, node)
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if (
            binding is not None
            and binding.kind is BindingKind.LOOP_VARIABLE
            and isinstance(binding.node, ast.Tuple)  # ``for key, proc in procs.items()``
        ):
            return _unpacked_origin(model, binding.node, node.id)
        if binding is None or binding.value is None:
            return None
        if binding.kind is BindingKind.LOOP_VARIABLE:
            if not isinstance(binding.node, ast.Name):
                return None  # a tuple target: which part is unknown
            return _element_origin(model, binding.value, depth + 1)
        if binding.kind in (BindingKind.ASSIGNMENT, BindingKind.WITH_VARIABLE):
            if binding.value is node:
                return None
            return _origin(model, binding.value, depth + 1)
        return None
    if isinstance(node, ast.Attribute):
        return _named(model, node)
    return None


def _element_origin(model: SemanticModel, iterable: ast.expr, depth: int) -> Origin | None:
    """What an item of ``iterable`` holds."""
    if depth > _MAX_DEPTH:
        return None
    annotated = item_class(model, iterable, None)
    if annotated is not None:
        return _instance_of(model, annotated)
    chain = query_chain(model, iterable)
    if chain is not None:
        return None if chain.rows_are_dicts else Origin(model=chain.model)
    if isinstance(iterable, (ast.Constant, ast.JoinedStr)):
        return FOREIGN  # characters
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        found = [_origin(model, item, depth + 1) for item in iterable.elts]
        if found and all(item is not None and item.foreign for item in found):
            return FOREIGN
        return None
    if isinstance(iterable, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        generator = iterable.generators[0]
        if (
            len(iterable.generators) == 1
            and isinstance(iterable.elt, ast.Name)
            and isinstance(generator.target, ast.Name)
            and iterable.elt.id == generator.target.id
        ):
            return _element_origin(model, generator.iter, depth + 1)
        return None
    if isinstance(iterable, ast.Name):
        binding = model.lookup(iterable.id)
        if (
            binding is not None
            and binding.kind is BindingKind.ASSIGNMENT
            and binding.value is not None
            and binding.value is not iterable
        ):
            return _element_origin(model, binding.value, depth + 1)
        return None
    if (
        isinstance(iterable, ast.Call)
        and iterable.args
        and _builtin(model, iterable.func, _SAME_ITEMS)
    ):
        return _element_origin(model, iterable.args[0], depth + 1)
    found = _named(model, iterable)
    if found is not None and found.name is not None:
        return Origin(name=f"{found.name}[]")
    return found


def _unpacked_origin(model: SemanticModel, target: ast.Tuple, name: str) -> Origin | None:
    """The key or the value a loop's 2-tuple target unpacks from an annotated mapping's
    ``items()`` (``container_types.item_class``)."""
    if len(target.elts) != 2:
        return None
    names = [element.id if isinstance(element, ast.Name) else None for element in target.elts]
    if name not in names:
        return None
    for loop in model.frame.loops:
        if loop.target is target and loop.iter is not None:
            annotated = item_class(model, loop.iter, names.index(name))
            return _instance_of(model, annotated) if annotated is not None else None
    return None


def _instance_of(model: SemanticModel, annotated: ast.expr) -> Origin | None:
    """An instance of the class an annotation names."""
    name = model.resolve(annotated)
    if name is None:
        return None
    if name.startswith("builtins."):
        return FOREIGN if name.removeprefix("builtins.") in _SCALARS else None
    return Origin(name=f"{name}()")


def _builtin(model: SemanticModel, func: ast.expr, names: frozenset[str]) -> bool:
    return (
        isinstance(func, ast.Name)
        and func.id in names
        and model.resolve(func) == f"builtins.{func.id}"
    )


def _named(model: SemanticModel, node: ast.expr) -> Origin | None:
    name = model.resolve(node)
    if name is None:
        return None
    if name.startswith("builtins."):
        # ``str(x).title()`` is a str; what ``getattr()`` or ``next()`` returns is anything
        head = name.removeprefix("builtins.").split("(", 1)[0].split(".", 1)[0]
        return FOREIGN if head in _SCALARS else None
    return Origin(name=name)
