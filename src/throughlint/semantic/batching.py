"""Whether a call inside a loop runs only every N passes (``if i % n == 0:``,
``if len(pending) >= n:``): then it is the batched form, not a per-item one."""

from __future__ import annotations

import ast

from throughlint.semantic.loops import Loop


def batch_guarded(target: ast.AST, loop: Loop) -> bool:
    """Under an ``if`` in ``loop`` whose test counts items (``i % n``, ``len(x) >= n``)."""
    for node in ast.walk(loop.node):
        if not isinstance(node, ast.If) or not any(
            child is target for statement in node.body for child in ast.walk(statement)
        ):
            continue
        for part in ast.walk(node.test):
            if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Mod):
                return True
            if isinstance(part, ast.Compare) and any(
                isinstance(side, ast.Call) and getattr(side.func, "id", "") == "len"
                for side in (part.left, *part.comparators)
            ):
                return True
    return False
