"""The project-level check shared by the rules whose effect can hide in a helper: a call in
a hot loop to a project function that (transitively) has the rule's effect."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from throughlint.effects import Effect
from throughlint.effects.database import django_manager_chain
from throughlint.semantic.queries import DJANGO_ROW_METHODS, NOT_PLAIN_ROWS

if TYPE_CHECKING:
    from throughlint.index import ProjectIndex


def helper_call(
    effect: Effect, verb: str, growth: str, *, per_item_only: bool = False
) -> Callable[[ProjectIndex, dict[str, Any]], list]:
    """A check for ``call`` pending findings: ``verb`` ("runs a query") and ``growth``
    ("1 + N queries") word the message; ``per_item_only`` skips retry and polling loops."""

    def check(index: ProjectIndex, pending: dict[str, Any]) -> list:
        callee = pending["callee"]
        if pending.get("fixed") and index.runs_once(callee):
            return []  # a cached function called with the same (literal) arguments
        caller = pending.get("fn", "").rpartition(".")[2]
        if index.overridden(callee):
            # ``self.get(k)`` in a base class: what the subclasses' overrides do, leaving
            # out a subclass that overrides the calling method too (its own batched form)
            overridden, witness = index.override_effects(callee, caller, mask=effect)
            if not overridden & effect:
                return []
        elif index.call_effects(callee, pending.get("args")) & effect:
            witness = index.call_witness(callee, effect, pending.get("args"))
        elif index.summary_effects(callee) & effect:
            return []  # only other argument values reach it (``save=False``)
        else:
            through_overrides, witness = index.override_effects(callee, caller)
            if not through_overrides & effect:
                return []
        if per_item_only and pending.get("shape"):
            return []  # a retry or a polling loop: not one call per item
        if (
            effect == Effect.COMMIT
            and pending.get("atomic")
            and not index.commits_in_transaction(callee)
        ):
            return []  # its ``transaction.atomic()`` nests in the caller's: a savepoint
        via = f" (via {witness})" if witness else ""
        message = (
            f"`{pending['text']}()` {verb}{via} on every pass of {pending['loop']}: "
            f"{growth}; batch the work outside the loop"
        )
        return [(message, None, None)]

    return check


def model_method_call(
    effect: Effect, verb: str, growth: str
) -> Callable[[ProjectIndex, dict[str, Any]], list]:
    """A check for ``method`` pending findings (``x.add_product(p)``, ``x`` of unknown
    type): the model methods of that name the project defines, when they all have
    ``effect`` and the receiver can be one of them (``ProjectIndex.method_owners``); the
    finding carries the confidence of that tie."""
    check = helper_call(effect, verb, growth)

    def check_method(index: ProjectIndex, pending: dict[str, Any]) -> list:
        owners, confidence = index.method_owners(
            pending["method"], pending.get("model"), pending.get("origin")
        )
        if not owners or (confidence == "heuristic" and pending.get("typed_only")):
            return []
        found = [check(index, {**pending, "callee": f"{o}.{pending['method']}"}) for o in owners]
        if not all(found):
            return []
        return [(*item, confidence) for item in found[0]]

    return check_method


def related_manager_call(writes: bool) -> Callable[[ProjectIndex, dict[str, Any]], list]:
    """A check for ``manager`` pending findings: ``x.attr.method()`` in a hot loop, ``attr``
    a related manager of ``x``'s model (or, with that model unknown, of some model of the
    project)."""

    def check(index: ProjectIndex, pending: dict[str, Any]) -> list:
        if pending["writes"] != writes:
            return []
        attr, owner = pending["attr"], pending.get("owner")
        loader = pending.get("source") or pending.get("loader")
        if loader and index.loaded_by(loader, attr):
            return []  # the function (or property) prefetches the relation on its way
        if pending.get("source"):  # an item of what a project function returns
            returned = returned_rows(index, pending["source"])
            if returned == "":
                return []  # rows that may have the relation loaded already, or dicts
            owner = returned or owner
        if owner is not None and owner in index.classes:
            if index.model_kind(owner) != "django":
                return []
            relation = index.relation(owner, attr)
            if relation is None or not relation.many:
                return []
        elif attr not in index.many_accessors():
            return []
        api, loop = pending["api"], pending["loop"]
        if writes:
            message = (
                f"`{api}` writes through the related manager `{attr}` on every pass of "
                f"{loop}: N round trips; collect the rows and write them once "
                f"(`bulk_create()`, or `add(*objs)` for a many-to-many)"
            )
        else:
            message = (
                f"`{api}` runs a query through the related manager `{attr}` on every pass of "
                f"{loop}: 1 + N queries; load them for all items at once "
                f'(`prefetch_related("{attr}")`, or one `filter(..__in=...)` and a dict)'
            )
        return [(message, pending.get("group"), None)]

    return check


def returned_rows(index: ProjectIndex, source: str) -> str | None:
    """The model of the Django rows a project function returns (``source``, its name with
    ``()``); "" when the returned chain loads relations or reads dicts
    (``prefetch_related``, ``values``...: which ones is not kept), or passes through a
    custom manager's or queryset's own method (weblate's ``last_changes()`` prefetches
    what its page renders); None when unknown."""
    value = index.library_value(source)
    chain = django_manager_chain(value + ".x") if value else None
    if chain is None or index.model_kind(chain[0]) != "django":
        return None
    steps = chain[1][:-1]  # without the ``x`` added above
    if any(step in NOT_PLAIN_ROWS or step not in DJANGO_ROW_METHODS for step in steps):
        return ""
    return chain[0]


def _own_plain_class(index: ProjectIndex, value: str) -> bool:
    """``value`` is a manager chain (``app.models.Ledger.objects.filter()[]``) on a class of
    the project that is no model: every class it derives from is the project's own (or
    ``object``) and none is a Django or SQLAlchemy model. A user's own ``objects``."""
    chain = django_manager_chain(value.removesuffix("[]") + ".x")
    if chain is None:
        return False
    todo, seen = [chain[0]], set()
    while todo:
        name = todo.pop()
        if name in seen or name in ("builtins.object", "object"):
            continue
        seen.add(name)
        record = index.classes.get(name)
        if record is None or index.model_kind(name) is not None or len(seen) > 20:
            return False  # a library class, or a model: not known to be the user's own
        todo.extend(record.bases)
    return True


def typed_by_index(code: str) -> Callable[[ProjectIndex, dict[str, Any]], list]:
    """A check for ``typed-by-index`` pending findings of rule ``code``: a call known to
    be a database call by its receiver's name, that receiver a value of another module
    of the project. Typed when the index says that value is a database API
    (``SessionLocal = sessionmaker(...)`` in ``app.db``, a helper that returns a
    queryset); else reported only when the name tier is on (``named``)."""

    def check(index: ProjectIndex, pending: dict[str, Any]) -> list:
        if pending["code"] != code:
            return []
        value = index.typed_database_value(pending["origin"], pending["framework"])
        if value is not None and not _own_plain_class(index, value):
            return [(pending["message"], None, None, "typed")]
        if pending.get("named"):
            return [(pending["message"], None, None, "heuristic")]
        return []

    return check
