"""Whether a call inside a loop runs only every N passes (``if i % n == 0:``,
``if len(pending) >= n:``): then it is the batched form, not a per-item one."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.loops import Loop

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel


def batch_guarded(model: SemanticModel, loop: Loop) -> bool:
    """The node being visited is in the body of an ``if`` in ``loop`` whose test counts
    items (``i % n``, ``len(x) >= n``). Folded along the walk's path (``fold_path``), so
    many calls in one loop do not each walk the whole loop."""
    return model.fold_path(loop.node, "batching.batch_guarded", False, _guard_step)


def _guard_step(guarded: bool, parent: ast.AST, child: ast.AST) -> bool:
    return guarded or (
        isinstance(parent, ast.If) and _in_body(parent, child) and _counts_items(parent.test)
    )


def _in_body(statement: ast.If, child: ast.AST) -> bool:
    """``child`` (a statement under ``statement``) is in its body, not in ``else``."""
    orelse = statement.orelse
    return not orelse or (child.lineno, child.col_offset) < (orelse[0].lineno, orelse[0].col_offset)


def _counts_items(test: ast.expr) -> bool:
    for part in ast.walk(test):
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Mod):
            return True
        if isinstance(part, ast.Compare) and any(
            isinstance(side, ast.Call) and getattr(side.func, "id", "") == "len"
            for side in (part.left, *part.comparators)
        ):
            return True
    return False
