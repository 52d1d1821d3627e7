"""A commit as the last statement of a loop body moves after the loop (or is dropped, when
the same commit already follows the loop: ``commit-after-loop:drop``). Unsafe: a failure
half-way keeps no rows instead of those before it. Conditions: ``offers.commit_after_loop``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from throughlint.fixes import COMMIT_AFTER_LOOP_DROP
from throughlint.fixes.base import FixContext, FixSpec
from throughlint.fixes.loops import loop_around


class CommitAfterLoop(FixSpec):
    anchor = cst.Call

    def target(self, stack: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        loop = loop_around(stack)
        if loop is None or not isinstance(loop.body, cst.IndentedBlock):
            return None
        if loop.body.body[-1] is not stack[-3]:
            return None
        return loop

    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For) and isinstance(target.body, cst.IndentedBlock)
        *rest, commit = target.body.body
        if not rest or not isinstance(commit, cst.SimpleStatementLine):
            return None
        loop = target.with_changes(body=target.body.with_changes(body=rest))
        kind = context.diagnostic.fix.kind if context.diagnostic and context.diagnostic.fix else ""
        if kind == COMMIT_AFTER_LOOP_DROP:  # the commit after the loop stays, the only one
            kept = [*commit.leading_lines, *_trailing_comment(commit), *target.body.footer]
            return loop.with_changes(body=loop.body.with_changes(footer=kept))
        return cst.FlattenSentinel([loop, commit])


def _trailing_comment(statement: cst.SimpleStatementLine) -> list[cst.EmptyLine]:
    """The comment at the end of the dropped commit's line, kept on a line of its own."""
    comment = statement.trailing_whitespace.comment
    return [cst.EmptyLine(comment=comment)] if comment is not None else []


SPEC = CommitAfterLoop()
