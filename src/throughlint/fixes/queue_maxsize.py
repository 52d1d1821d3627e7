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
        if not args and isinstance(target.whitespace_before_args, cst.ParenthesizedWhitespace):
            # ``Queue(\n    # why\n)``: the keyword goes on a line of its own, under the
            # comment, not where the closing parenthesis stood
            return target.with_changes(
                args=[keyword], whitespace_before_args=_argument_line(target.whitespace_before_args)
            )
        return target.with_changes(args=[*args, keyword])


def _argument_line(before: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """The whitespace after ``(`` with its last line indented as the comment lines above
    it, or one level deeper than the closing parenthesis when there are none."""
    for line in reversed(before.empty_lines):
        if line.comment is not None:
            return before.with_changes(last_line=line.whitespace, indent=line.indent)
    deeper = cst.SimpleWhitespace(before.last_line.value + "    ")
    return before.with_changes(last_line=deeper)


SPEC = QueueMaxsize()
