"""Calls through a receiver of unknown type that a project class hierarchy answers:
``for alert in rule["alert"]: alert.alert(matches)``, where ``Alerter.alert`` is
overridden by ``SnsAlerter``, ``SesAlerter``... Any of those overrides may run.

Walk side (``dispatch_calls``): per function, the methods it calls on a receiver the file
cannot resolve (a parameter without annotation, a loop variable, an item, ``self.x`` of
unknown value). Common method names (``get``, ``run``, ``write``) are left out: a library
object is as likely as a project one.

Index side: a method so called stands for the methods of that name in the one project
hierarchy where a class and a subclass of it both define it; none when no hierarchy
does, or when two unrelated hierarchies do (which one runs is anyone's guess).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_COMMON = frozenset(
    {"get", "set", "put", "pop", "add", "update", "delete", "remove", "clear", "append",
     "extend", "insert", "items", "keys", "values", "copy", "close", "open", "read",
     "write", "send", "recv", "run", "start", "stop", "join", "wait", "result", "cancel",
     "process", "handle", "execute", "commit", "rollback", "flush", "save", "load", "dump",
     "dumps", "loads", "render", "format", "split", "strip", "encode", "decode", "call",
     "submit", "map", "apply", "connect", "acquire", "release", "lock", "notify", "emit",
     "info", "debug", "warning", "error", "exception", "log", "sort", "index", "count",
     "filter", "all", "first", "match", "search", "sub", "replace", "lower", "upper"}
)  # fmt: skip
_KINDS = (BindingKind.PARAMETER, BindingKind.LOOP_VARIABLE, BindingKind.ASSIGNMENT)


def dispatch_method(model: SemanticModel, node: ast.Call) -> str | None:
    """The method ``node`` calls on a receiver of unknown type, when worth recording."""
    func = node.func
    if not isinstance(func, ast.Attribute) or model.function_name is None:
        return None
    method = func.attr
    if method in _COMMON or method.startswith("_"):
        return None
    receiver = func.value
    if isinstance(receiver, ast.Name):
        binding = model.lookup(receiver.id)
        if binding is None or binding.kind not in _KINDS:
            return None
    elif not (
        isinstance(receiver, ast.Attribute)
        and isinstance(receiver.value, ast.Name)
        and receiver.value.id == "self"
    ):
        return None
    if model.resolve(func) is not None:
        return None
    return method


class Dispatch:
    """The project's unresolved method calls, and the overrides they may run."""

    def __init__(self) -> None:
        self.calls: dict[str, list[str]] = {}
        self._targets: dict[str, list[str]] | None = None
        self._owners: dict[str, list[str]] = {}

    def add(self, facts: dict[str, list[str]]) -> None:
        self.calls.update(facts)
        self.forget_targets()

    def forget_targets(self) -> None:
        """Drop the methods by name (more classes or calls were merged)."""
        self._targets = None

    def overlay(self) -> Dispatch:
        """A copy to add more facts to (``ProjectIndex.overlay``)."""
        copy = Dispatch()
        copy.calls = dict(self.calls)
        return copy

    def targets(self, function: str, classes: dict[str, Any]) -> list[str]:
        """The project methods ``function``'s unresolved calls may run."""
        methods = self.calls.get(function)
        if not methods:
            return []
        if self._targets is None:
            self._targets, self._owners = {}, {}
            for name, record in classes.items():
                for defined in record.methods:
                    self._owners.setdefault(defined, []).append(name)
        found: list[str] = []
        for method in methods:
            known = self._targets.get(method)
            if known is None:
                owners = self._owners.get(method, [])
                known = self._targets[method] = _hierarchy_methods(method, owners, classes)
            found.extend(known)
        return found


def _hierarchy_methods(method: str, owners: list[str], classes: dict[str, Any]) -> list[str]:
    if len(owners) < 2:
        return []
    owned = set(owners)
    tops = {owner: _top_owner(owner, owned, classes) for owner in owners}
    roots = {top for owner, top in tops.items() if top != owner}
    if len(roots) != 1:
        return []
    root = roots.pop()
    return sorted(f"{owner}.{method}" for owner, top in tops.items() if top == root)


def _top_owner(name: str, owned: set[str], classes: dict[str, Any]) -> str:
    """The highest project base of ``name`` (itself included) that defines the method."""
    top, todo, seen = name, [name], {name}
    while todo and len(seen) < 50:
        current = todo.pop()
        record = classes.get(current)
        for base in record.bases if record is not None else ():
            if base in classes and base not in seen:
                seen.add(base)
                todo.append(base)
                if base in owned:
                    top = base
    return top
