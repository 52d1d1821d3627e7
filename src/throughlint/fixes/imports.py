"""Spelling an imported name the way the file already imports it, or adding the import."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes.base import FixContext
from throughlint.fixes.spelling import Spelling, import_spelling


def reference(
    context: FixContext, module: str, obj: str, *, module_fallback: bool = False
) -> cst.BaseExpression | None:
    """An expression for ``module.obj`` in this file: an existing ``from module import obj``
    or ``import module``, else a new ``from module import obj`` (or, with
    ``module_fallback``, ``import module``) when that shadows nothing; None otherwise.
    Decided by ``spelling.import_spelling``, as the lint path decided the offer."""
    found = import_spelling(context.tree(), module, obj, module_fallback=module_fallback)
    return spelt(context, found)


def spelt(context: FixContext, found: Spelling | None) -> cst.BaseExpression | None:
    """``found`` as an expression, its import requested; None for None."""
    if found is None:
        return None
    if found.module is not None:
        context.add_import(found.module, found.obj)
    return cst.parse_expression(found.text)
