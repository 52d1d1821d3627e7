"""The project-level check shared by the rules whose effect can hide in a helper: a call in
a hot loop to a project function that (transitively) has the rule's effect."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from throughlint.effects import Effect
    from throughlint.index import ProjectIndex


def helper_call(
    effect: Effect, verb: str, growth: str, *, per_item_only: bool = False
) -> Callable[[ProjectIndex, dict[str, Any]], list]:
    """A check for ``call`` pending findings: ``verb`` ("runs a query") and ``growth``
    ("1 + N queries") word the message; ``per_item_only`` skips retry and polling loops."""

    def check(index: ProjectIndex, pending: dict[str, Any]) -> list:
        callee = pending["callee"]
        if not index.summary_effects(callee) & effect:
            return []
        if per_item_only and pending.get("shape"):
            return []  # a retry or a polling loop: not one call per item
        witness = index.summary_witness(callee, effect)
        via = f" (via {witness})" if witness else ""
        message = (
            f"`{pending['text']}()` {verb}{via} on every pass of {pending['loop']}: "
            f"{growth}; batch the work outside the loop"
        )
        return [(message, None, None)]

    return check
