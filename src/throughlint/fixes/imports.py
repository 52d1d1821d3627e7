"""Spelling an imported name the way the file already imports it, or adding the import."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from throughlint.fixes.base import FixContext


def reference(
    context: FixContext, module: str, obj: str, *, module_fallback: bool = False
) -> cst.BaseExpression | None:
    """An expression for ``module.obj`` in this file: an existing ``from module import obj``
    or ``import module``, else a new ``from module import obj`` (or, with
    ``module_fallback``, ``import module``) when that shadows nothing; None otherwise."""
    existing = existing_reference(module_imports(context.module), module, obj)
    if existing is not None:
        return existing
    if obj not in context.names:
        context.add_import(module, obj)
        return cst.Name(obj)
    if module_fallback and module.split(".")[0] not in context.names:
        context.add_import(module)
        return cst.parse_expression(f"{module}.{obj}")
    return None


def existing_reference(
    imports: dict[tuple[str, str | None], str], module: str, obj: str
) -> cst.BaseExpression | None:
    """``obj`` as the file's top-level imports already bind it, else None."""
    local = imports.get((module, obj))
    if local is not None:
        return cst.Name(local)
    alias = imports.get((module, None))
    if alias is not None:
        return cst.parse_expression(f"{alias}.{obj}")
    return None


def module_imports(module: cst.Module) -> dict[tuple[str, str | None], str]:
    """Top-level ``import queue [as q]`` and ``from queue import X [as Y]``: what local name
    each (module, object) pair is bound to; object None for the module itself."""
    found: dict[tuple[str, str | None], str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = get_full_name_for_node(alias.name)
                    if name is None:
                        continue
                    if "." in name and alias.asname is None:  # import a.b binds a, a.b
                        found.setdefault((name.split(".")[0], None), name.split(".")[0])
                    found.setdefault((name, None), _asname(alias) or name)
            elif (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and not isinstance(small.names, cst.ImportStar)
            ):
                module_name = get_full_name_for_node(small.module)
                for alias in small.names:
                    name = get_full_name_for_node(alias.name)
                    if module_name and name:
                        found.setdefault((module_name, name), _asname(alias) or name)
    return found


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
        return None
    return alias.asname.name.value
