"""What an attribute of a project object holds, followed across modules
(``attribute_values``): the index types a receiver such as ``self.session`` or
``current_app.appbuilder.session`` by replacing, step by step, the longest part of it
that a project fact spells otherwise, until a database API value or a client is reached.

Walk side, two kinds of facts per file (``name -> value``, both resolved names):

- a property of a class of the file, keyed as its use is spelt (``app.m.Manager().session``):
  its return annotation (``sqlalchemy.orm.Session()``), else the value it returns
  (``flask.current_app.appbuilder.session``);
- an attribute a function of the file sets on a library object to an instance of one of
  the file's classes (``app.appbuilder = self`` with ``app: Flask``):
  ``flask.Flask().appbuilder`` -> ``app.base.AppBuilder()``;
- an attribute a class of the file binds on ``self`` in one place only, to a call of a
  project function or method (``self.cache = self.get_cache()``):
  ``app.m.Broker().cache`` -> ``app.m.Broker().get_cache()`` (``index/facts.py``);
- an attribute a class of the file binds on ``self`` only to an unannotated parameter
  (``self.client = client``): ``app.m.Store().client`` -> ``app.m.Store.__init__@0:client``,
  which the index types from every call site (``index/argument_types.py``);
- a function of the file whose return annotation names a class of the project
  (``def get_broker() -> Broker``): ``app.m.get_broker()`` -> ``app.m.Broker()``;
- at a module's top level, a client it builds (``r = redis.Redis()``: ``app.clients.r``
  -> ``redis.Redis()``) or a client library it imports, which other modules may import
  from it (``try: import redis`` in ``app._compat``: ``app._compat.redis`` -> ``redis``).

Two values for one name (another return, another file) leave the name unknown.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.annotations import annotated_class
from throughlint.semantic.members import is_member
from throughlint.semantic.properties import is_property
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

UNKNOWN = ""
# library proxies that stand for an instance: what Flask's ``current_app`` is
PROXIES: dict[str, str] = {"flask.current_app": "flask.Flask()"}
_STEPS = 4  # replacements followed for one receiver
_LONGEST = 200


def property_value(model: SemanticModel, node: ast.Return) -> tuple[str, str] | None:
    """``return x`` in a property of a class of this file: (its use's spelling, value)."""
    function = model.function
    if (
        not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        or not model.classes
        or not is_member(model.classes[-1], function)
        or model.function_name is None
        or not is_property(function)
    ):
        return None
    owner, _, name = model.function_name.rpartition(".")
    annotation = annotated_class(function.returns)
    if annotation is not None:
        value = model.resolve(annotation)
        value = f"{value}()" if value is not None else None
    elif node.value is not None:
        value = model.resolve(node.value)
    else:
        return None
    return kept(f"{owner}().{name}", value)


def attribute_set(model: SemanticModel, node: ast.Assign) -> tuple[str, str] | None:
    """``app.appbuilder = self`` in a function, ``app`` a library object (a parameter
    annotated with its class, or a value the file constructs), the value an instance of a
    class of this file: (``flask.Flask().appbuilder``, ``app.base.AppBuilder()``)."""
    if model.function_name is None or len(node.targets) != 1:
        return None
    target = node.targets[0]
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    binding = model.lookup(target.value.id)
    if binding is None or binding.kind is BindingKind.SELF:
        return None
    holder = model.resolve(target.value)
    own = f"{model.module}."
    if holder is None or not holder.endswith("()") or holder.startswith((own, "builtins.")):
        return None
    value = model.resolve(node.value)
    if value is None or not value.startswith(own) or not value.endswith("()"):
        return None
    return kept(f"{holder}.{target.attr}", value)


def kept(name: str, value: str | None) -> tuple[str, str] | None:
    """``(name, value)`` when worth keeping (a value of its own, not too long)."""
    if value is None or value == name or value.startswith("builtins."):
        return None
    if len(value) > _LONGEST or len(name) > _LONGEST:
        return None
    return name, value


def record(known: dict[str, str], found: tuple[str, str] | None) -> None:
    """Keep ``found`` in a file's facts; a second, different value makes it unknown."""
    if found is None:
        return
    name, value = found
    previous = known.setdefault(name, value)
    if previous != value:
        known[name] = UNKNOWN


class AttributeValues:
    """The project's attribute facts, merged; ``rewrite`` follows them."""

    def __init__(self) -> None:
        self.values: dict[str, str] = dict(PROXIES)
        self._rewritten: dict[str, str | None] = {}

    def add(self, facts: dict[str, str]) -> None:
        self.add_values(facts)
        self.forget_rewritten()

    def add_values(self, facts: dict[str, str]) -> None:
        """Merge one file's values (``ProjectIndex.add_all`` forgets the rewrites after)."""
        values = self.values
        for name, value in facts.items():
            previous = values.setdefault(name, value)
            if previous != value:
                values[name] = UNKNOWN

    def forget_rewritten(self) -> None:
        self._rewritten.clear()

    def overlay(self) -> AttributeValues:
        """A copy to add more facts to (``ProjectIndex.overlay``)."""
        copy = AttributeValues()
        copy.values = dict(self.values)
        return copy

    def rewrite(self, origin: str) -> str | None:
        """``origin`` with its longest part that a fact spells otherwise replaced
        (``flask.current_app.appbuilder.session`` -> ``flask.Flask().appbuilder.session``);
        None when no part is."""
        if origin in self._rewritten:
            return self._rewritten[origin]
        found = None
        values = self.values
        for end in range(len(origin), 0, -1):
            if end < len(origin) and origin[end] not in ".([":
                continue
            value = values.get(origin[:end])
            if value is not None:
                found = value + origin[end:] if value else None
                break
        self._rewritten[origin] = found
        return found

    def follow(self, origin: str, typed) -> str | None:
        """The first value ``typed`` accepts along the rewrites of ``origin`` (``typed``
        answers a value or None), at most ``_STEPS`` replacements deep."""
        current: str | None = origin
        seen = {origin}
        for _ in range(_STEPS):
            current = self.rewrite(current)  # type: ignore[arg-type]
            if current is None or current in seen:
                return None
            seen.add(current)
            found = typed(current)
            if found is not None:
                return found
        return None
