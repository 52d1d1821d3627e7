"""Spellings of callee names that the facts write and the index reads, beyond the
resolved dotted name (``mod.Class().method`` for a call on an instance, ``mod.f`` for a
function).

``mod.Class.<super>.method``: ``super().method`` in a method of ``Class`` with more than
one base. Python runs the first definition along the order of the bases (after
``Class`` itself), which the walk of one file cannot see: the index looks for it, base
by base (``ProjectIndex._find_key``, ``CallGraph.keys``). Exactly that method runs,
never a sibling subclass's override.

``mod.Translation().component.store_log``: ``self.component.store_log()`` in a method of
a model whose ``component`` is a to-one relation field. The index resolves it to the
related model's method (``ProjectIndex.related_hop``).
"""

from __future__ import annotations

NEXT_IN_ORDER = ".<super>"


def next_in_order(class_name: str, method: str) -> str:
    """The callee name of ``super().method`` in a method of ``class_name``."""
    return f"{class_name}{NEXT_IN_ORDER}.{method}"


def related_method(model_class: str, field: str, method: str) -> str:
    """The callee name of ``self.<field>.<method>()`` in a method of ``model_class``."""
    return f"{model_class}().{field}.{method}"


def split_related_method(name: str) -> tuple[str, str, str] | None:
    """(model class, field, method) of a ``related_method`` name; None for another."""
    owner, separator, rest = name.partition("().")
    field, dot, method = rest.partition(".")
    if not separator or not dot or not field.isidentifier() or not method.isidentifier():
        return None
    return owner, field, method
