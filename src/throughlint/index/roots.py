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
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """``file_facts`` with the names of modules defined under several roots made distinct,
    and a warning per real collision (two files that are the same module of one root).
    ``shared``: :func:`shared_modules` of these files, when the caller kept it."""
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

        def rename(name: str, root: str = root) -> str:
            if name.startswith("="):
                return "=" + rename(name[1:])
            roots = roots_of.get(name.split(".", 1)[0])
            return tags[root] + name if roots is not None and root in roots else name

        separated[path] = _renamed(facts, rename)
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


def _target(target: str | None, rename: Callable[[str], str]) -> str | None:
    """Resolved targets (``=mod.Class``) are names; others are labels as written."""
    return rename(target) if target and target.startswith("=") else target


def _renamed(facts: dict[str, Any], rename: Callable[[str], str]) -> dict[str, Any]:
    classes = {
        rename(name): {
            **record,
            "b": [rename(base) for base in record.get("b", ())],
            "r": {
                attribute: [relation[0], _target(relation[1], rename), *relation[2:]]
                for attribute, relation in record.get("r", {}).items()
            },
        }
        for name, record in facts.get("c", {}).items()
    }
    functions = {
        rename(name): [record[0], [rename(callee) for callee in record[1]], *record[2:]]
        for name, record in facts.get("f", {}).items()
    }
    statements = {rename(name): value for name, value in facts.get("s", {}).items()}
    pending = []
    for record in facts.get("p", ()):
        record = dict(record)
        for key in ("callee", "statement", "model", "function"):
            if isinstance(record.get(key), str):
                record[key] = rename(record[key])
        pending.append(record)
    hot = {rename(name): where for name, where in facts.get("h", {}).items()}
    made = {rename(name): rename(made) for name, made in facts.get("n", {}).items()}
    return {
        **facts, "c": classes, "f": functions, "s": statements, "p": pending, "h": hot, "n": made
    }  # fmt: skip
