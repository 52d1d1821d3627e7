"""Modules are keyed by (root, dotted name): two folders without ``__init__.py`` that both
hold a ``models.py`` hold two modules, not one where the last file read wins.

Facts name things by dotted name only (a file's walk does not know the other roots). When
a top-level module name is defined under more than one root, the names of that module in
the facts of a file are tagged with the file's own root, as Python would resolve them for
a script in that folder; names no root of the file defines stay as they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

Identity = tuple[str, str]  # (root, dotted module name)


def separate_roots(
    file_facts: dict[str, dict[str, Any]],
    identities: dict[str, Identity],
    shared: tuple[dict[str, set[str]], list[str]] | None = None,
    renamed: dict[str, tuple[dict[str, Any], dict[str, Any]]] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """``file_facts`` with the names of modules defined under several roots made distinct,
    and a warning per real collision (two files that are the same module of one root).
    ``shared``: :func:`shared_modules` of these files, when the caller kept it.
    ``renamed``: path -> (facts, their renamed copy) of an earlier call with the same
    ``shared``; a file whose facts are the same object gets the same copy (a long-lived
    project keeps the merged index while the other files' facts are the same objects)."""
    roots_of, warnings = shared or shared_modules({p: identities[p] for p in file_facts})
    if not roots_of:
        return file_facts, warnings
    tags = {root: f"{n}|" for n, root in enumerate(sorted(set().union(*roots_of.values())))}
    separated = {}
    for path, facts in file_facts.items():
        identity = identities.get(path)
        if identity is None:
            separated[path] = facts
            continue
        root = identity[0]
        mine = frozenset(top for top, roots in roots_of.items() if root in roots)
        if not mine:  # no name this file's root defines is shared: nothing to rename
            separated[path] = facts
            continue

        def rename(name: str, mine: frozenset[str] = mine, tag: str = tags[root]) -> str:
            if name.startswith("="):
                return "=" + rename(name[1:])
            return tag + name if name.partition(".")[0] in mine else name

        known = renamed.get(path) if renamed is not None else None
        if known is not None and known[0] is facts:
            separated[path] = known[1]
            continue
        separated[path] = _renamed(facts, rename)
        if renamed is not None:
            renamed[path] = (facts, separated[path])
    return separated, warnings


def shared_modules(identities: dict[str, Identity]) -> tuple[dict[str, set[str]], list[str]]:
    """Top-level module names defined under more than one root (with those roots), and
    the warnings about real collisions."""
    warnings: list[str] = []
    by_module: dict[Identity, str] = {}
    roots_of: dict[str, set[str]] = {}
    for path, (root, module) in sorted(identities.items()):
        other = by_module.setdefault((root, module), path)
        if other != path and not _stub_pair(other, path):
            first, second = _shown(other), _shown(path)
            warnings.append(
                f"warning: {first} and {second} are both module `{module}` of "
                f"{_shown(root)}; the project index keeps one of them"
            )
        roots_of.setdefault(module.split(".", 1)[0], set()).add(root)
    return {top: roots for top, roots in roots_of.items() if len(roots) > 1}, warnings


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _stub_pair(first: str, second: str) -> bool:
    """``mod.py`` and ``mod.pyi`` are one module, not a collision."""
    return os.path.splitext(first)[0] == os.path.splitext(second)[0]


# Where each fact key carries module names, as a shape (nothing else of a fact's meaning):
# ``NAME`` a dotted name; ``QUALIFIED`` one only when it has a dot (a field that may hold
# a word as written, ``User``); ``TARGET`` a resolved name (``=mod.Class``) or a label as written;
# ``("list", item)``; ``("map", key, value)``; ``("row", first, second, ...)`` the leading
# items of a list (the rest kept); ``("fields", {field: shape})`` a dict's named fields
# (others kept); ``None`` nothing to rename. A new fact key is added here (a test checks
# that every key a file's facts hold is listed).
Shape = Any
NAME = "name"
QUALIFIED = "qualified"
TARGET = "target"
FACT_NAMES: dict[str, Shape] = {
    "codes": None,
    "c": ("map", NAME, ("fields", {"b": ("list", NAME),
                                   "r": ("map", None, ("row", None, TARGET))})),
    "f": ("map", NAME, ("row", None, ("list", NAME))),
    "s": ("map", NAME, None),
    # pending findings: the qualified names they hold (a bare word is left as written)
    "p": ("list", ("fields", {key: QUALIFIED for key in
                              ("callee", "statement", "model", "function", "owner", "origin",
                               "source", "loader", "serializer", "nested", "admin")})),
    "h": ("map", NAME, None),
    "a": ("list", ("row", NAME, NAME)),
    "pa": ("map", NAME, None),
    "ph": ("map", NAME, None),
    "po": ("map", NAME, None),
    "n": ("map", NAME, NAME),
    "hd": ("map", NAME, None),
    "ld": ("map", NAME, None),
    "sr": ("map", NAME, None),
    "sz": ("map", NAME, NAME),
    "am": ("map", NAME, NAME),
    "ints": ("map", NAME, None),
    "pr": ("map", NAME, None),
    "su": ("map", NAME, ("map", NAME, ("row", NAME))),
    "m": ("list", NAME),
    "x": ("map", NAME, ("list", NAME)),
    "t": ("map", NAME, None),
    "g": ("map", NAME, ("fields", {"e": ("map", NAME, None)})),
    "an": ("list", NAME),
    "re": ("map", NAME, NAME),
    "st": ("map", NAME, ("list", NAME)),  # ``from .x import *``: module -> [x, ...]
    "cpu": ("map", NAME, None),
    "service_calls": ("map", NAME, ("list", NAME)),
    "passed_functions": ("map", NAME, ("list", NAME)),
    "run_passed": ("map", NAME, ("list", NAME)),
    "tabled_functions": ("list", NAME),
    "instance_hooks": ("list", NAME),  # classes whose row-built objects a hook runs for
    "statement_hooks": ("map", NAME, None),  # module -> [[registration, line]]
    "dbv": ("map", NAME, NAME),
    "pass_costs": ("map", NAME, ("row", None, ("list", NAME))),
    "loop_costs": ("map", None, ("row", None, ("list", NAME))),
    # top-level modules outside the project whose functions the file calls
    "external_modules": ("list", NAME),
    "argument_types": ("map", NAME, ("map", None, ("list", NAME))),
    "typed_effects": ("map", NAME, ("list", ("row", None, NAME))),
    "output_sizes": ("map", NAME, None),
    "loop_calls": ("map", None, NAME),
    "attribute_values": ("map", NAME, NAME),
    "dispatch_calls": ("map", NAME, None),
    "table_calls": ("map", NAME, None),
    "self_calls": ("map", NAME, None),
    "lk": ("map", NAME, None),  # functions whose whole body holds a lock (TL301)
}  # fmt: skip


def _renamed(facts: dict[str, Any], rename: Callable[[str], str]) -> dict[str, Any]:
    return {key: _apply(FACT_NAMES.get(key), value, rename) for key, value in facts.items()}


def _apply(shape: Shape, value: Any, rename: Callable[[str], str]) -> Any:
    if shape is None or value is None:
        return value
    if shape == NAME:
        return rename(value) if isinstance(value, str) else value
    if shape == QUALIFIED:
        return rename(value) if isinstance(value, str) and "." in value else value
    if shape == TARGET:  # resolved targets (``=mod.Class``) are names; others are labels
        return rename(value) if isinstance(value, str) and value.startswith("=") else value
    kind = shape[0]
    if kind == "list":
        return [_apply(shape[1], item, rename) for item in value]
    if kind == "map":
        key_shape, value_shape = shape[1], shape[2]
        return {
            _apply(key_shape, key, rename): _apply(value_shape, item, rename)
            for key, item in value.items()
        }
    if kind == "row":
        leading = shape[1:]
        head = [_apply(part, item, rename) for part, item in zip(leading, value, strict=False)]
        return head + list(value[len(leading) :])
    fields = shape[1]  # "fields"
    return {
        key: _apply(fields.get(key), item, rename) if key in fields else item
        for key, item in value.items()
    }
