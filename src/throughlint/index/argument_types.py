"""Parameter types from callers: what each call site of a project function passes, and
the database work typed only once the index knows a parameter's or a project value's type.

Walk side (``record_call_site``), two facts per file:

- ``argument_types``: per callee, per argument slot (a position after ``self``, or a
  keyword), the type of what the file's call sites pass, spelt as ``model.resolve``
  spells it (``shop.models.Order.objects.filter()[]``), or from a parameter of the
  calling function (``shop.reports.reorder@0:orders[]``, ``semantic/parameter_origin``);
  ``?`` when unknown or when some site does not pass it; a ``*`` slot when a site
  unpacks ``*args`` / ``**kwargs``;
- ``typed_effects``: per function, the effects of its calls that only the index can type
  (``order.save()`` on a parameter, ``SessionLocal().commit()`` on a value of another
  module): ``[bits, origin, framework, witness]``.

Index side (``ArgumentTypes``): a parameter is typed when every call site of its function
in the project passes one known type (after the callers' own parameters are typed the
same way); it stays untyped when a site passes something unknown or another type, when
the function has no call site (a library's public API), or when it is handed on as a
value (a callback's callers are not seen). One pass over the call sites per function
asked about, remembered.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from throughlint.effects.database import (
    DJANGO_LAZY,
    MODEL_INSTANCE,
    _is_django_instance,
    classify_call,
    constructed_by_name,
    django_manager_chain,
    name_tier,
)
from throughlint.effects.kinds import Effect
from throughlint.semantic import per_pass
from throughlint.semantic.parameter_origin import parameter_origin, split_origin

if TYPE_CHECKING:
    from throughlint.checker import Checker
    from throughlint.index.project import ProjectIndex

UNKNOWN = "?"
UNSEEN = "?."  # ``x.method(...)``, ``x`` of unknown type: a site of any ``method``
_LONGEST = 200  # a longer spelling is not worth the facts' space: unknown
_MAX_TYPES = 4  # distinct types kept per argument of a callee in a file
_MAX_EFFECTS = 8  # typed effects kept per function (one witness per origin is enough)
_DEPTH = 6  # callers of callers followed to type a parameter passed on
_BUFFERED = frozenset({"add", "add_all", "delete"})


# --- walk side ---------------------------------------------------------------------------


def record_call_site(checker: Checker, node: ast.Call, callee: str | None) -> None:
    """One call of a project function: the types of the arguments it passes. A method
    called on a receiver of unknown type is kept by its name alone (``?.method``): it may
    be a site of any method so named."""
    facts = checker.index_facts
    if facts is None:
        return
    if callee is None:
        if isinstance(node.func, ast.Attribute) and (node.args or node.keywords):
            unseen = UNSEEN + node.func.attr
            if unseen not in facts.argument_types:  # type: ignore[union-attr]
                facts.argument_types[unseen] = [1, {}]  # type: ignore[union-attr]
        return
    model = checker.semantic
    slots: dict[str, str] = {}
    for position, argument in enumerate(node.args):
        if isinstance(argument, ast.Starred):
            slots["*"] = UNKNOWN
            break
        slots[str(position)] = _argument_type(model, argument)
    for keyword in node.keywords:
        if keyword.arg is None:
            slots["*"] = UNKNOWN
        else:
            slots[keyword.arg] = _argument_type(model, keyword.value)
    known = facts.argument_types.get(callee)  # type: ignore[union-attr]
    if known is None:
        known = facts.argument_types[callee] = [0, {}]  # type: ignore[union-attr]
    known[0] += 1
    merged = known[1]
    for slot, value in slots.items():
        item = merged.get(slot)
        if item is None:
            merged[slot] = [[value], 1]
            continue
        item[1] += 1
        types = item[0]
        if value not in types and types != [UNKNOWN]:
            if value == UNKNOWN or len(types) >= _MAX_TYPES:
                item[0] = [UNKNOWN]
            else:
                types.append(value)


def _argument_type(model: Any, value: ast.expr) -> str:
    if not isinstance(value, (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Await)):
        return UNKNOWN  # a literal, a display, an operator: no database object
    found = model.resolve(value) or parameter_origin(model, value)
    return found if found is not None and len(found) <= _LONGEST else UNKNOWN


def argument_types_json(sites: dict[str, list]) -> dict[str, dict[str, list[str]]]:
    """Per callee, per slot, the types the file's sites pass (``[?]`` when one passes
    something unknown, or when not every site passes that slot). A callee whose every slot
    is ``[?]`` is ``{}``: a slot not there types nothing either (``_parameter_type``), and
    most call sites pass nothing typed."""
    found: dict[str, dict[str, list[str]]] = {}
    for callee, (total, slots) in sites.items():
        passed = {
            slot: types if count == total else _UNKNOWN_SLOT
            for slot, (types, count) in slots.items()
        }
        found[callee] = {} if all(t == _UNKNOWN_SLOT for t in passed.values()) else passed
    return found


_UNKNOWN_SLOT = [UNKNOWN]


def record_typed_effect(checker: Checker, node: ast.Call) -> None:
    """A database call of the function whose receiver only the index can type (a
    parameter, a value of another module): its effects, kept with the receiver's origin;
    the index adds them to the function's summary when it types the receiver."""
    model = checker.semantic
    function = model.function_name
    facts = checker.index_facts
    if function is None or facts is None or not isinstance(node.func, ast.Attribute):
        return
    found = classify_call(model, node, checker.settings)
    if found is None or not found.origin or (found.named and name_tier(checker.settings)):
        return
    effect = found.effect
    if found.lazy:
        effect &= ~Effect.READ
    if found.framework == "sqlalchemy" and found.method in _BUFFERED:
        effect &= ~Effect.WRITE  # held by the session until a flush or commit
    if not effect or constructed_by_name(model, node, found) is not None:
        return
    if per_pass.memoised_here(model, model.function, per_key=True):
        return  # a memo's fill, a cache-aside miss, a get-or-create: not every call
    known = facts.typed_effects.setdefault(function, [])  # type: ignore[union-attr]
    if len(known) >= _MAX_EFFECTS or any(
        item[1] == found.origin and item[0] == effect.value for item in known
    ):
        return
    witness = f"`{found.api}` ({model.module}, line {node.lineno})"
    known.append([effect.value, found.origin, found.framework, witness])


# --- index side --------------------------------------------------------------------------


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _callee_short(callee: str) -> str:
    return _short(callee.replace("().", ".").removesuffix("()"))


def _by_short_name(
    names: Iterable[str], short: Callable[[str], str], base: dict[str, list[str]] | None
) -> dict[str, list[str]]:
    """``names`` by short name, added to a copy of ``base`` (its lists copied when added
    to, so ``base`` is left as it is)."""
    found = dict(base) if base is not None else {}
    copied: set[str] = set()
    for name in names:
        key = short(name)
        if base is not None and key not in copied:
            found[key] = list(found.get(key, ()))
            copied.add(key)
        found.setdefault(key, []).append(name)
    return found


class ArgumentTypes:
    """The call sites of the project, merged, and the parameter types they give."""

    def __init__(self) -> None:
        # callee -> per file, the types each slot is passed
        self.sites: dict[str, list[dict[str, list[str]]]] = {}
        self.passed: set[str] = set()  # functions handed on as values
        self.effects: dict[str, list[list[Any]]] = {}  # function -> typed effects
        self._by_short: dict[str, list[str]] | None = None
        self._passed_by_short: dict[str, list[str]] | None = None
        # (function, position, name) -> (type, the depth it was cut short at, or None)
        self._types: dict[tuple[str, str, str], tuple[str | None, int | None]] = {}
        self._cut = False  # a lookup under way went past ``_DEPTH``
        # in an overlay, the lists it made its own (the others are the base's, shared),
        # and the base, whose tables by short name it extends instead of building anew
        self._owned: set[str] | None = None
        self._base: ArgumentTypes | None = None

    def add(self, facts: dict[str, Any]) -> None:
        self.add_sites(facts.get("argument_types", {}))
        self.add_passed(facts.get("passed_functions", {}))
        self.add_tabled(facts.get("tabled_functions", ()))
        self.add_effects(facts.get("typed_effects", {}))
        self.forget_types()

    # one kind of fact each (``ProjectIndex.add_all``, which calls ``forget_types`` after)

    def add_sites(self, value: dict[str, Any]) -> None:
        sites, owned = self.sites, self._owned
        for callee, slots in value.items():
            if owned is not None and callee not in owned:
                sites[callee] = list(sites.get(callee, ()))
                owned.add(callee)
            sites.setdefault(callee, []).append(slots)

    def add_passed(self, value: dict[str, Any]) -> None:
        for names in value.values():
            self.passed.update(names)

    def add_tabled(self, value: Iterable[str]) -> None:
        self.passed.update(value)

    def add_effects(self, value: dict[str, Any]) -> None:
        effects, owned = self.effects, self._owned
        for function, items in value.items():
            if owned is not None and f"@{function}" not in owned:
                effects[function] = list(effects.get(function, ()))
                owned.add(f"@{function}")
            effects.setdefault(function, []).extend(items)

    def forget_types(self) -> None:
        """Drop what was worked out from the facts merged so far (more were merged)."""
        self._by_short = self._passed_by_short = None
        self._types.clear()

    def overlay(self) -> ArgumentTypes:
        """A copy to add more facts to (``ProjectIndex.overlay``): the lists of call
        sites and typed effects are shared until the copy adds to one."""
        copy = ArgumentTypes()
        copy.sites, copy.passed, copy.effects = (
            dict(self.sites),
            set(self.passed),
            dict(self.effects),
        )
        copy._owned, copy._base = set(), self
        return copy

    def _callees_by_short(self) -> dict[str, list[str]]:
        """The call sites' callee names by short name (``put`` for ``app.Store().put``)."""
        if self._by_short is None:
            base = self._base
            if base is None:
                new: Iterable[str] = self.sites
            else:
                new = [c for c in self._owned or () if c in self.sites and c not in base.sites]
            self._by_short = _by_short_name(
                new, _callee_short, base._callees_by_short() if base is not None else None
            )
        return self._by_short

    def _passed_names_by_short(self) -> dict[str, list[str]]:
        """The functions handed on as values, by short name."""
        if self._passed_by_short is None:
            base = self._base
            new: Iterable[str] = self.passed if base is None else self.passed - base.passed
            self._passed_by_short = _by_short_name(
                new, _short, base._passed_names_by_short() if base is not None else None
            )
        return self._passed_by_short

    def value(self, index: ProjectIndex, origin: str, depth: int = 0) -> str | None:
        """A parameter origin (``app.f@0:rows[]``) with the parameter replaced by the type
        every caller passes (``app.m.Book.objects.all()[]``); None when untyped."""
        parts = split_origin(origin)
        if parts is None:
            return None
        function, position, name, rest = parts
        found = self.parameter_type(index, function, position, name, depth)
        return None if found is None else found + rest

    def parameter_type(
        self, index: ProjectIndex, function: str, position: str, name: str, depth: int = 0
    ) -> str | None:
        """What every caller passes; remembered. An answer cut short by ``_DEPTH`` (callers
        of callers too deep to follow) holds only for asks at that depth or deeper, so the
        order in which parameters are asked about cannot change what a shallower ask
        finds (each parameter is worked out at most ``_DEPTH + 2`` times)."""
        key = (function, position, name)
        known = self._types.get(key)
        if known is not None and (known[1] is None or depth >= known[1]):
            return known[0]
        self._types[key] = (None, None)  # a recursive call passes its own parameter on
        outer, self._cut = self._cut, False
        found = self._parameter_type(index, function, position, name, depth)
        self._types[key] = (found, depth if self._cut else None)
        self._cut = outer or self._cut
        return found

    def _parameter_type(
        self, index: ProjectIndex, function: str, position: str, name: str, depth: int
    ) -> str | None:
        if depth > _DEPTH:
            self._cut = True
            return None
        if self._passed(index, function):
            return None
        callees = self._callees(index, function)
        records = [slots for callee in callees for slots in self.sites[callee]]
        if not records:
            return None  # no call site in the project: nothing to go by
        types: set[str] = set()
        for slots in records:
            if "*" in slots:
                return None
            passed = (slots.get(position) if position else None) or slots.get(name)
            if not passed:
                return None
            for value in passed:
                if value == UNKNOWN:
                    return None
                if "@" in value:
                    value = self.value(index, value, depth + 1)
                    if value is None:
                        return None
                types.add(index.library_value(value) or value)
        return types.pop() if len(types) == 1 else _common(types)

    def _passed(self, index: ProjectIndex, function: str) -> bool:
        """``function`` is handed on as a value somewhere (``on_commit(self._send)``)."""
        if function in self.passed:
            return True
        short = function.rsplit(".", 1)[-1]
        return any(
            _key(index, name, function) == function
            for name in self._passed_names_by_short().get(short, ())
        )

    def _callees(self, index: ProjectIndex, function: str) -> list[str]:
        """The callee names of the project's call sites that stand for ``function``
        (``app.Store().put`` for ``app.Store.put``, ``app.Store`` for its ``__init__``)."""
        owner, _, short = function.rpartition(".")
        if short == "__init__":
            return self._constructions(index, owner, function)
        candidates = self._callees_by_short().get(short, ())
        if any(c.startswith(UNSEEN) for c in candidates):
            return []  # a method called on a receiver of unknown type
        found = []
        package = function.split(".", 1)[0]
        for callee in candidates:
            key = _key(index, callee, function) or _defined_method(index, callee)
            if key == function:
                found.append(callee)
            elif key is None and callee.split(".", 1)[0] == package:
                return []  # a name of the project that stands for no known function: a
                # re-export, or a method of a class the index does not see, maybe this one
        return found

    def _constructions(self, index: ProjectIndex, owner: str, function: str) -> list[str]:
        """The call sites of class ``owner`` that run its ``__init__`` (``function``):
        none when a subclass of the project may run it too (its own sites, and its
        ``super().__init__(...)``, pass other values), or when the class is handed on as
        a value (a factory's callers are not seen)."""
        if owner not in index.classes or index._subclasses.get(owner) or owner in self.passed:
            return []
        found = []
        for callee in self._callees_by_short().get(owner.rsplit(".", 1)[-1], ()):
            key = _key(index, callee, function)
            if key == function:
                found.append(callee)
            elif key is None and callee in index.classes:
                continue  # another class of the project (``owner`` has no subclass)
            elif key is None and callee.split(".", 1)[0] == owner.split(".", 1)[0]:
                return []  # a name of the project that stands for no known function
        return found


def _common(types: set[str]) -> str | None:
    """The type several call sites agree on though they spell it differently: a model
    instance, or a queryset of one model (``Book.objects.filter()``, ``.all()``); None when
    they disagree."""
    if all(map(_is_django_instance, types)):
        return MODEL_INSTANCE
    models = set()
    for value in types:
        chain = django_manager_chain(value + ".x") if value.endswith("()") else None
        if chain is None or chain[1][-2] not in DJANGO_LAZY:
            return None
        models.add(chain[0])
    return f"{models.pop()}.objects.all()" if len(models) == 1 else None


class _With:
    """The summarised functions and one more (membership only, for ``_find_key``)."""

    __slots__ = ("extra", "known")

    def __init__(self, known: Any, extra: str) -> None:
        self.known, self.extra = known, extra

    def __contains__(self, name: object) -> bool:
        return name == self.extra or name in self.known


def _defined_method(index: ProjectIndex, callee: str) -> str | None:
    """The method of a project class that ``callee`` (``app.Store().save``) runs, found
    in the class or its project bases, though the index keeps no facts of it (no effects,
    no project callees); None when a class in between is not the project's."""
    owner, _, method = callee.replace("().", ".").removesuffix("()").rpartition(".")
    found = index.defining_class(owner, method)
    return f"{found}.{method}" if found is not None else None


def _key(index: ProjectIndex, callee: str, function: str) -> str | None:
    """The function a callee name stands for, ``function`` among the candidates; a method
    a class in between overrides is that class's (so its sites are not ``function``'s)."""
    found = index._find_key(callee, 0, _With(index.functions, function))
    if found != function:
        return found
    plain = callee.replace("().", ".").removesuffix("()")
    owner, _, method = plain.rpartition(".")
    seen: set[str] = set()
    todo = [owner]
    while todo and len(seen) < 20:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if f"{current}.{method}" == function:
            return function
        record = index.classes.get(current)
        if record is None:
            continue
        if method in record.methods:
            return f"{current}.{method}"  # overridden before ``function`` is reached
        todo.extend(record.bases)
    return found
