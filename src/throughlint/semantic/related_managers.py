"""Django related managers other than ``objects``: ``ticket.followup_set.create(...)``,
``event.line_quantities.all()``, ``product_range.excluded_products.add(p)``.

One file cannot tell whether ``x.attr`` is a related manager: that is the project index's
to say (a many relation named ``attr`` on the model of ``x``, or on some model of the
project when ``x``'s model is unknown). Here we only recognise the shape and what the call
would do: read (a query) or write.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.effects.database import (
    DJANGO_LAZY,
    DJANGO_MANAGERS,
    django_manager_chain,
    may_be_q,
)
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

MANAGER_READS = frozenset(
    {"get", "first", "last", "count", "exists", "aggregate", "latest", "earliest", "in_bulk"}
)
MANAGER_WRITES = frozenset(
    {"create", "get_or_create", "update_or_create", "add", "remove", "set", "clear", "update",
     "delete"}
)  # fmt: skip


# builtins whose result can be any object, a model row among them
_ANY_VALUE = ("builtins.super()", "builtins.getattr()")


@dataclass(frozen=True, slots=True)
class ManagerCall:
    """``receiver.attr.<lazy...>.method()``. ``owner`` is the model class of ``receiver``
    when this file knows it (``self`` in a class, a row fetched through ``objects``)."""

    attr: str
    method: str
    writes: bool
    owner: str | None
    receiver: str


def manager_call(
    model: SemanticModel, call: ast.Call, *, evaluated: bool = False
) -> ManagerCall | None:
    """The related-manager call ``call`` is, or None. ``evaluated``: the call's queryset is
    iterated or consumed (``for f in t.followup_set.all()``), so a lazy method reads."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    method = func.attr
    if method in MANAGER_WRITES:
        writes = True
        if method in ("add", "remove") and any(isinstance(a, ast.Starred) for a in call.args):
            return None  # ``add(*objs)``: one statement for all of them
    elif method in MANAGER_READS or (evaluated and method in DJANGO_LAZY):
        writes = False
    else:
        return None
    if method == "get" and _mapping_get(call):
        return None  # ``form.fields.get(name)``: a mapping's; a manager's takes lookups
    current: ast.expr = func.value
    while (
        isinstance(current, ast.Call)
        and isinstance(current.func, ast.Attribute)
        and current.func.attr in DJANGO_LAZY
    ):
        current = current.func.value
    if not isinstance(current, ast.Attribute) or current.attr in DJANGO_MANAGERS:
        return None
    if current.attr.startswith("__") or isinstance(current.value, ast.Call):
        return None
    receiver = current.value
    owner = _owner(model, receiver, current.attr)
    if owner == "":
        return None
    from throughlint.semantic.expressions import unparse_short

    return ManagerCall(current.attr, method, writes, owner, unparse_short(receiver, 30))


def _mapping_get(call: ast.Call) -> bool:
    """``get(key)`` or ``get(key, default)``: positional arguments that cannot be ``Q``
    objects (``may_be_q``) and no keywords. A related manager's
    ``get`` takes field lookups as keywords, or ``Q`` objects."""
    return (
        bool(call.args)
        and not call.keywords
        and not any(may_be_q(a) or isinstance(a, ast.Starred) for a in call.args)
    )


def _owner(model: SemanticModel, receiver: ast.expr, attr: str) -> str | None:
    """The model class of ``receiver`` when known; ``""`` when it is known to be no model
    instance (a module, a class, a builtin, a class without bases, or one that assigns
    ``attr`` itself: a related manager is a descriptor, never assigned; a model's
    ``_meta``)."""
    if isinstance(receiver, ast.Attribute) and receiver.attr == "_meta":
        return ""  # ``cls._meta.parents.update(...)``: the options' own dict
    if isinstance(receiver, ast.Name):
        binding = model.lookup(receiver.id)
        if binding is not None:
            if binding.kind is BindingKind.SELF:
                owner = binding.owner
                if owner is None:
                    return None
                if not owner.bases or attr in model.class_attributes(owner):
                    return ""
                return f"{model.module}.{owner.name}"
            if binding.kind in (BindingKind.IMPORT, BindingKind.CLASS, BindingKind.FUNCTION):
                return ""
    resolved = model.resolve(receiver)
    if resolved is None:
        return None
    if resolved.startswith("builtins.super().__"):
        return ""  # ``super().__new__(cls, ...)``: a class, not a row
    if resolved.startswith(_ANY_VALUE):
        return None  # ``super().save().vouchers``: whatever the base class returns
    if resolved.startswith("builtins."):
        return ""
    chain = django_manager_chain(resolved + ".x")
    if chain is not None and resolved.endswith(("()", "[]")):
        return chain[0]
    if resolved.endswith("()") and "(" not in resolved[:-2] and "[" not in resolved:
        return resolved[:-2]  # an instance of a class: the index says if it is a model
    return None
