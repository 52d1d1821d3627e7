"""Spellings of callee names that the facts write and the index reads, beyond the
resolved dotted name (``mod.Class().method`` for a call on an instance, ``mod.f`` for a
function).

``mod.Class.<super>.method``: ``super().method`` in a method of ``Class`` with more than
one base. Python runs the first definition along the order of the bases (after
``Class`` itself), which the walk of one file cannot see: the index looks for it, base
by base (``ProjectIndex._find_key``, ``CallGraph.keys``). Exactly that method runs,
never a sibling subclass's override.
"""

from __future__ import annotations

NEXT_IN_ORDER = ".<super>"


def next_in_order(class_name: str, method: str) -> str:
    """The callee name of ``super().method`` in a method of ``class_name``."""
    return f"{class_name}{NEXT_IN_ORDER}.{method}"
