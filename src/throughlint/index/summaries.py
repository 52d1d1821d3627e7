"""Transitive function summaries, worked out on demand: what a project function does
through the functions it calls, up to ``SUMMARY_DEPTH`` calls deep, and the call that
gives each effect (for messages).

A summary after ``r`` rounds is the function's own effects joined with its callees'
summaries after ``r - 1`` rounds (a call the index can tell runs only for other argument
values is left out). Each (function, round) is computed once, when a query first needs
it, so the cost of a re-lint is that of the functions its findings reach, not of the
whole project's call graph (a project of 4,000 files has some 100,000 callees to
resolve). The same per-round definition gives the commits that are not Django
savepoints (``is_hard_commit``)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from throughlint.effects.kinds import Effect
from throughlint.semantic.callee_names import NEXT_IN_ORDER

if TYPE_CHECKING:
    from throughlint.index.project import ProjectIndex

SUMMARY_DEPTH = 4
"""How many calls deep a summary sees: ``view -> service -> repo -> query`` is 3, whether
or not the calls pass values that the callees' guards read (``Summaries.under``) and
whether the callees are in one file or in several."""

_BLOCKING = Effect.BLOCKING.value
_REMOTE = Effect.REMOTE.value
_COMMIT = Effect.COMMIT.value
# ``super().save()`` in a model: Django's own ``Model.save``, one statement
_DJANGO_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})

Lookup = Callable[[str], int]


def shared_by_half(values: Sequence[int]) -> int:
    """The effect bits that at least half of ``values`` (the summaries of the overrides a
    call may run, one of them) have."""
    found = 0
    for flag in Effect if values else ():
        if flag.value and 2 * sum(1 for value in values if value & flag.value) >= len(values):
            found |= flag.value
    return found


class Summaries:
    """The summaries of one merged index (made anew when its facts change)."""

    def __init__(self, index: ProjectIndex) -> None:
        # a weak reference: the index owns its summaries, and a cycle between them would
        # keep a dropped index (hundreds of MB in a large project) until the next full
        # garbage collection
        self.index: ProjectIndex = weakref.proxy(index)
        self._keys: dict[str, str | None] = {}  # callee name -> summarised function
        # functions the index stands in for: a Django model's own ``save``, a call on a
        # client a project factory returns, a base method whose subclasses override it
        self._made: dict[str, int] = {}
        self._made_witness: dict[str, dict[str, str]] = {}
        self._overriding: dict[str, list[str]] = {}
        self._run_by: dict[tuple[str, str], list[str]] = {}  # ``_run_by_each``
        self._union: list[dict[str, int]] = [{} for _ in range(SUMMARY_DEPTH + 1)]
        self._rounds: list[dict[str, int]] = [{} for _ in range(SUMMARY_DEPTH + 1)]
        self._under: list[dict[tuple, int]] = [{} for _ in range(SUMMARY_DEPTH + 1)]
        self._witness: dict[tuple[str, str, str], str] = {}
        self._hard: list[dict[str, bool]] = [{} for _ in range(SUMMARY_DEPTH + 1)]
        self._cut: list[dict[str, bool]] = [{} for _ in range(SUMMARY_DEPTH + 1)]
        self._unknowns: dict[str, bool] = {}  # ``_unknown``
        # summaries of inherited methods as run on a subclass's instance (``value``)
        self._rounds_as: list[dict[tuple[str, str], int]] = [{} for _ in range(SUMMARY_DEPTH + 1)]

    # --- the call graph -----------------------------------------------------------------

    def key(self, callee: str) -> str | None:
        """The summarised function a callee name stands for (``ProjectIndex._function_key``,
        or one the index stands in for), None when the project defines nothing for it."""
        if callee in self._keys:
            return self._keys[callee]
        found = self._keys[callee] = self.index._function_key(callee)
        if found is None:
            if NEXT_IN_ORDER in callee:  # ``super().save()`` that no project base defines
                library = self.index.library_base_method(callee)
                found = self._stand_in(library) if library is not None else None
            else:
                found = self._stand_in(callee)
            self._keys[callee] = found
        return found

    def _stand_in(self, callee: str) -> str | None:
        index = self.index
        plain = callee.replace("().", ".").removesuffix("()")
        owner, _, method = plain.rpartition(".")
        if method in ("save", "delete") and (
            owner in _DJANGO_MODEL_BASES or index.model_kind(owner) == "django"
        ):
            self._made[plain] = Effect.WRITE.value  # Django's own Model.save: one statement
            text = (
                f"Django's own `Model.{method}()`"
                if owner in _DJANGO_MODEL_BASES
                else f"`{method}()` of model `{owner}`"
            )
            self._made_witness[plain] = {str(Effect.WRITE.value): text}
            return plain
        found = None
        client = index.client_call(callee)
        if client is not None:  # ``s3 = self._client("s3"); s3.put_object(...)``
            found = plain
            self._made[plain] = _BLOCKING
            text = f"a {client[0]} client from `{client[1]}()`"
            self._made_witness[plain] = {str(_BLOCKING): text}
        remote = index.remote_client_call(callee)
        if remote is not None and remote[0].batch is not None:  # ``es.index(...)``
            found = plain
            self._made[plain] = self._made.get(plain, 0) | _REMOTE
            self._made_witness.setdefault(plain, {})[str(_REMOTE)] = (
                f"the {remote[0].client} client {remote[1]}"
            )
        if found is not None:
            return found
        overrides = index.stand_in_overrides(callee) if owner in index.classes else []
        if overrides:  # a stub in the base (nothing to summarise): what subclasses do
            self._made.setdefault(plain, 0)
            self._made_witness.setdefault(plain, {})
            known = self._overriding.setdefault(plain, [])
            known.extend(o for o in overrides if o not in known)
            return plain
        return None

    def callees(self, name: str, receiver: str = "") -> Sequence[str]:
        """The names ``name`` calls (for a stand-in base method: its overrides; run for a
        ``receiver``'s instance, only those of that class and its subclasses, never a
        sibling's)."""
        found = self.index._callees.get(name)
        if found:
            return found
        overriding = self._overriding.get(name, ())
        if not receiver or not overriding:
            return overriding
        below = self.index.subclasses_within(receiver)
        return [o for o in overriding if o.rpartition(".")[0] in below]

    def own(self, name: str) -> int:
        """``name``'s own effects (bits), before any call it makes."""
        made = self._made.get(name)
        return made if made is not None else self.index.functions.get(name, 0)

    def own_witness(self, name: str) -> dict[str, str]:
        made = self._made_witness.get(name)
        if made is not None and name not in self.index._own_witness:
            return made
        return dict(self.index._own_witness.get(name, {}))

    # --- summaries ----------------------------------------------------------------------

    def value(self, name: str, rounds: int = SUMMARY_DEPTH, receiver: str = "") -> int:
        """The summary of ``name`` (bits) after ``rounds`` rounds. With a ``receiver``
        class, ``name`` is a method that class inherits, run on its instance: the calls
        ``name`` makes on ``self`` run the receiver's methods (its overrides), not those
        of the class that defines ``name`` (``ProjectIndex.inherited_receiver``)."""
        if rounds == 0:
            return self.own(name)
        known: dict = self._rounds_as[rounds] if receiver else self._rounds[rounds]
        memo_key = (name, receiver) if receiver else name
        found = known.get(memo_key)
        if found is not None:
            return found
        value = self.value(name, rounds - 1, receiver)
        if self._stands_in(name):
            value |= self._shared(name, rounds, receiver)
        else:
            for _, new, _, _ in self._contributions(name, rounds, value, receiver):
                value |= new
        known[memo_key] = value
        return value

    def callee_value(self, name: str, callee: str, key: str, rounds: int) -> int:
        """What ``name``'s call ``callee`` (run as ``key``) does, ``rounds`` rounds deep: a
        stand-in called on ``self`` does what any of its overrides does, as a call on
        ``self`` in a base method is answered (``ProjectIndex.override_effects``): the
        object is the caller's own, so a caller called per item on one object runs one
        subclass's override on every pass; called on another object, what most do."""
        if not self._stands_in(key):
            return self.value(key, rounds)
        owner, separator, method = callee.rpartition("().")
        if (
            separator
            and owner == name.rpartition(".")[0]
            and method in self.index.self_calls.get(name, ())
        ):
            return self._any_override(key, rounds)
        return self.value(key, rounds)

    def _any_override(self, name: str, rounds: int) -> int:
        """The stand-in ``name``'s effects as the union of its overrides' (``callee_value``)."""
        if rounds == 0:
            return self.own(name)
        known = self._union[rounds]
        found = known.get(name)
        if found is None:
            found = self.value(name, rounds)
            for override in self.callees(name):
                value = self.value(override, rounds - 1)
                if override in self.index.asynchronous:  # calling it makes a coroutine
                    value &= ~_BLOCKING
                found |= value
            known[name] = found
        return found

    def _stands_in(self, name: str) -> bool:
        """``name`` is a base method the index stands in for by its subclasses' overrides
        (``_stand_in``), not a function with calls of its own."""
        return name in self._overriding and not self.index._callees.get(name)

    def _shared(self, name: str, rounds: int, receiver: str) -> int:
        """What a call of the stand-in ``name`` does after ``rounds`` rounds: it runs the
        method of one of the subclasses (of ``receiver``'s class and below, when that is
        known), its own override or one it inherits, so an effect counts when at least
        half of those classes run a method that has it. One guardrail of 52 that reads
        redis does not make every call of the hook a round trip; a base with a redis and
        an in-memory subclass keeps the redis one's."""
        found = []
        functions = self.index.functions
        for key in self._run_by_each(name, receiver):
            # a method with no facts (the base's stub among them) does nothing we know of
            value = self.value(key, rounds - 1) if key in functions else 0
            if not value and self._unknown(key):
                continue  # what it does lies past the bound: unknown, not nothing
            if key in self.index.asynchronous:  # calling it makes a coroutine
                value &= ~_BLOCKING
            found.append(value)
        return shared_by_half(found)

    def _unknown(self, name: str) -> bool:
        """An override whose summary is empty however deep it is asked, though a chain of
        its calls goes on past the bound (``_cut_short``): what it does is unknown, so a
        stand-in's share leaves it out, where a stub or a method whose calls all end
        within the bound does nothing. Decided once per override, whatever the round the
        stand-in is asked at, so a share only grows with the rounds."""
        found = self._unknowns.get(name)
        if found is None:
            self._unknowns[name] = False  # asked again within its own chain: known
            deepest = SUMMARY_DEPTH - 1  # the rounds a stand-in's override is asked at most
            found = not self.value(name, deepest) and self._cut_short(name, deepest)
            self._unknowns[name] = found
        return found

    def _cut_short(self, name: str, rounds: int) -> bool:
        """A chain of ``name``'s calls goes on past ``rounds`` calls deep: its summary after
        ``rounds`` rounds may lack what the chain's end does (a REST store's request some
        five calls below its ``get_trace_info``), so an empty one is unknown, not nothing.
        Remembered per (function, round), as the summaries are."""
        known = self._cut[rounds]
        found = known.get(name)
        if found is None:
            keys = [k for k in map(self.key, self.callees(name)) if k is not None]
            found = (
                bool(keys)
                if rounds == 0
                else any(
                    not self.value(k, rounds - 1) and self._cut_short(k, rounds - 1) for k in keys
                )
            )
            known[name] = found
        return found

    def _run_by_each(self, name: str, receiver: str) -> list[str]:
        """The method each subclass (of ``receiver``'s class, when it is known, itself
        included) runs for the base method ``name``, its own or the one it inherits; a
        class whose library base may define it is left out."""
        memo_key = (name, receiver)
        found = self._run_by.get(memo_key)
        if found is None:
            index = self.index
            owner, _, method = name.rpartition(".")
            found = []
            for subclass in sorted(index.subclasses_within(receiver or owner)):
                if subclass == owner and not receiver:
                    continue  # the stub's own class: an abstract base, as a rule
                definer = index.defining_class(subclass, method)
                if definer is not None:
                    found.append(f"{definer}.{method}")
            self._run_by[memo_key] = found
        return found

    def stand_in_value(self, name: str) -> int:
        """The summary of the stand-in for the base method ``name`` (``_shared``); 0 when
        the index stands in for none."""
        key = self.key(name)
        return self.value(key) if key is not None and self._stands_in(key) else 0

    def _contributions(
        self, name: str, rounds: int, value: int, receiver: str = "", each: bool = False
    ):
        """Each callee of ``name`` that adds effects in round ``rounds``, in call order:
        (callee, the bits it adds to what ``name`` had so far, the function it runs, and
        the receiver that function runs for: ``receiver`` for a call on ``self``, as
        ``value`` says, else ""). With ``each``, what each callee adds to ``value`` alone,
        not to what the callees before it added."""
        index = self.index
        fixed = index._fixed_calls.get(name, ())
        edges = index._paths.get(name, {}).get("e", {})
        before = rounds - 1
        on_self = f"{name.rpartition('.')[0]}()." if receiver else ""
        called_on_self = index.self_calls.get(name, ()) if receiver else ()
        for callee in self.callees(name, receiver):
            rebound = (
                self._on_receiver(callee, on_self, receiver, called_on_self) if on_self else None
            )
            key = rebound or self.key(callee)
            if key is None or (key in index.cached and callee in fixed):
                continue  # a cached function called with literals: once
            edge = edges.get(callee)
            if rebound is not None:  # a call on ``self``: the receiver's method
                new = self._as_receiver(key, edge, before, receiver) & ~value
            elif edge and edge[1] and key in index._paths:  # literals decide its paths
                bindings = index._bindings(key, edge[1], {})
                new = self.under(key, bindings, before) & ~value
            else:
                new = self.callee_value(name, callee, key, before) & ~value
            if key in index.asynchronous:  # calling it makes a coroutine: it waits for none
                new &= ~_BLOCKING
            if new:
                if not each:
                    value |= new
                yield callee, new, key, receiver if rebound is not None else ""

    def _as_receiver(self, key: str, edge, rounds: int, receiver: str) -> int:
        """What the receiver's method ``key`` does when called on ``self`` through ``edge``
        (its guard and literal arguments): ``self.log_hook("DEBUG", msg)`` into an
        override that does its I/O only ``if level != "DEBUG"`` does none."""
        if not (edge and edge[1] and key in self.index._paths):
            return self.value(key, rounds, receiver)
        bindings = self.index._bindings(key, edge[1], {})
        return self.under_as(key, bindings, receiver, rounds)

    def under_as(self, key: str, bindings: dict, receiver: str, rounds: int = SUMMARY_DEPTH) -> int:
        """``under`` for a method run on a ``receiver`` class's instance: what the
        arguments rule out stays out, what the receiver's overrides leave out too, and
        what only they do is added."""
        as_receiver = self.value(key, rounds, receiver)
        under = self.under(key, bindings, rounds)
        return (under & as_receiver) | (as_receiver & ~self.value(key, rounds))

    def _on_receiver(
        self, callee: str, on_self: str, receiver: str, called_on_self: Sequence[str]
    ) -> str | None:
        """The receiver's method that a call on ``self`` (``mod.Base().fetch``, spelt
        ``on_self`` + method) runs: its own or the one it inherits from a project base;
        None for another call, or when a library base may define it."""
        if not callee.startswith(on_self):
            return None
        method = callee[len(on_self) :]
        if not method.isidentifier() or method not in called_on_self:
            return None  # ``Resolver().groups()``: a new instance's, not ``self``'s
        definer = self.index.defining_class(receiver, method)
        # a method with no facts of its own does nothing the index knows of
        return f"{definer}.{method}" if definer is not None else None

    def under(self, key: str, bindings: dict, rounds: int = SUMMARY_DEPTH) -> int:
        """What ``key`` does when its parameters hold ``bindings``, after ``rounds`` rounds
        of its callees: the effects and calls whose guard is false are left out
        (``if save: obj.save()`` with ``save=False``)."""
        known = self._under[rounds]
        memo_key = (key, tuple(sorted(bindings.items(), key=lambda item: item[0])))
        found = known.get(memo_key)
        if found is None:
            found = known[memo_key] = self.index._effects_under(key, bindings, rounds)
        return found

    def witness(self, name: str, bit: int, receiver: str = "") -> str:
        """The call that gives ``name`` the effect ``bit``: its own call, or the first
        callee that brought it, followed down (``"`load()` -> `get()` on a Session"``);
        with a ``receiver``, as ``value`` says."""
        memo_key = (name, str(bit), receiver)
        found = self._witness.get(memo_key)
        if found is not None:
            return found
        self._witness[memo_key] = ""  # cycles
        text = self.own_witness(name).get(str(bit), "")
        if not text and not self.own(name) & bit:
            # a stand-in witnesses what any override does: a call on ``self`` asks that
            summary = (
                self.value
                if receiver or not self._stands_in(name)
                else lambda key, rounds, _: self._any_override(key, rounds)
            )
            for rounds in range(1, SUMMARY_DEPTH + 1):
                before = summary(name, rounds - 1, receiver)
                if not summary(name, rounds, receiver) & bit:
                    continue
                always = self.index.every_call.get(name, ())
                bringing = [
                    (callee, key, inner_receiver)
                    for callee, new, key, inner_receiver in self._contributions(
                        name, rounds, before, receiver, each=True
                    )
                    if new & bit
                ]
                # a callee called on every call, before one on a branch that may be rare
                bringing.sort(key=lambda found: found[0] not in always)
                for callee, key, inner_receiver in bringing[:1]:
                    inner = self.witness(key, bit, inner_receiver)
                    # an override a stand-in runs: named with its class, which is one of many
                    short = callee.rsplit(".", 2 if self._stands_in(name) else 1)
                    text = f"`{'.'.join(short[1:])}()` -> {inner}" if inner else ""
                break
        self._witness[memo_key] = text
        return text

    def witnesses(self, name: str) -> dict[str, str]:
        """Every effect of ``name``'s summary with the call that gives it."""
        value, found = self.value(name), {}
        for flag in Effect:
            if flag.value and value & flag.value:
                text = self.witness(name, flag.value)
                if text:
                    found[str(flag.value)] = text
        return found

    # --- commits that are not savepoints ------------------------------------------------

    def is_hard_commit(self, name: str, rounds: int = SUMMARY_DEPTH) -> bool:
        """``name`` commits even inside an outer ``transaction.atomic()``: its commit comes
        from somewhere other than a Django atomic block (which nests as a savepoint).
        Only COMMIT is followed, on the summaries' call graph."""
        index = self.index
        if not index._atomic:
            return bool(self.value(name) & _COMMIT)
        if rounds == 0:
            return bool(index.functions.get(name, 0) & _COMMIT) and index._atomic.get(name, True)
        known = self._hard[rounds]
        found = known.get(name)
        if found is None:
            found = self.is_hard_commit(name, rounds - 1) or any(
                key is not None and self.is_hard_commit(key, rounds - 1)
                for key in map(self.key, self.callees(name))
            )
            known[name] = found
        return found
