"""Spelling an imported name the way the file already imports it, or adding the import."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from throughlint.fixes.base import FixContext
from throughlint.fixes.spelling import Spelling, import_spelling, tree_of


def reference(
    context: FixContext, module: str, obj: str, *, module_fallback: bool = False
) -> cst.BaseExpression | None:
    """An expression for ``module.obj`` in this file: an existing ``from module import obj``
    or ``import module``, else a new ``from module import obj`` (or, with
    ``module_fallback``, ``import module``) when that shadows nothing; None otherwise.
    Decided by ``spelling.import_spelling``, as the lint path decided the offer."""
    found = import_spelling(
        tree_of(context.module.code), module, obj, module_fallback=module_fallback
    )
    return spelt(context, found)


def spelt(context: FixContext, found: Spelling | None) -> cst.BaseExpression | None:
    """``found`` as an expression, its import requested; None for None."""
    if found is None:
        return None
    if found.module is not None:
        context.add_import(found.module, found.obj)
    return cst.parse_expression(found.text)


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
