"""Bound an unbounded queue: ``queue.Queue()`` -> ``queue.Queue(maxsize=1000)``; a size of 0
or less (by keyword or position) is replaced in place. The size is ``queue-maxsize``."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes.base import FixContext, FixSpec


class QueueMaxsize(FixSpec):
    anchor = cst.Call

    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.Call)
        size = cst.Integer(str(context.settings.queue_maxsize))
        args = list(target.args)
        if any(arg.star for arg in args):
            return None
        for index, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == "maxsize":
                args[index] = arg.with_changes(value=size)
                return target.with_changes(args=args)
        if args and args[0].keyword is None:
            args[0] = args[0].with_changes(value=size)
            return target.with_changes(args=args)
        keyword = cst.Arg(
            keyword=cst.Name("maxsize"),
            value=size,
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            ),
        )
        return target.with_changes(args=[*args, keyword])


SPEC = QueueMaxsize()
