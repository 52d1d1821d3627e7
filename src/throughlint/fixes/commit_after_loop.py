"""A commit as the last statement of a loop body moves after the loop. Unsafe: a failure
half-way keeps no rows instead of those before it. Conditions: ``offers.commit_after_loop``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

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
        return cst.FlattenSentinel([loop, commit])


SPEC = CommitAfterLoop()
