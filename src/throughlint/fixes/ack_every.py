"""A per-message ``basic_ack(tag)`` becomes a cumulative ack every N messages:

    channel.basic_ack(delivery_tag=method.delivery_tag)
    ->
    if method.delivery_tag % 50 == 0:
        channel.basic_ack(delivery_tag=method.delivery_tag, multiple=True)

Unsafe: until the next multiple of N arrives, up to N - 1 handled messages stay unacked
(redelivered if the consumer stops). N is half the ``prefetch_count`` the module sets, so
the broker keeps delivering. Conditions: ``per_message_ack._ack_every``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from throughlint.fixes.base import FixContext, FixSpec


class AckEvery(FixSpec):
    anchor = cst.Call

    def target(self, stack: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        if len(stack) < 3 or not isinstance(stack[-2], cst.Expr):
            return None
        line = stack[-3]
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return None
        return line

    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.SimpleStatementLine) and isinstance(anchor, cst.Call)
        kind = context.diagnostic.fix.kind if context.diagnostic is not None else ""
        every = kind.partition(":")[2]
        if not every.isdigit():
            return None
        args = [arg for arg in anchor.args if not _is_keyword(arg, "multiple")]
        positional = [arg for arg in args if arg.keyword is None]
        if len(positional) == 2 and not positional[1].star:  # ``basic_ack(tag, False)``
            args.remove(positional[1])
        tag = next((arg.value for arg in args if _is_keyword(arg, "delivery_tag")), None)
        if tag is None and args and args[0].keyword is None and not args[0].star:
            tag = args[0].value
        if tag is None or len([a for a in args if a.keyword is None]) > 1:
            return None
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        multiple = cst.Arg(
            keyword=cst.Name("multiple"),
            value=cst.Name("True"),
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            ),
        )
        call = anchor.with_changes(args=[*args, multiple])
        test = cst.Comparison(
            left=cst.BinaryOperation(left=tag, operator=cst.Modulo(), right=cst.Integer(every)),
            comparisons=[cst.ComparisonTarget(operator=cst.Equal(), comparator=cst.Integer("0"))],
        )
        body = target.with_changes(body=[cst.Expr(call)], leading_lines=[])
        return cst.If(
            test=test,
            body=cst.IndentedBlock(body=[body]),
            leading_lines=target.leading_lines,
        )


def _is_keyword(arg: cst.Arg, name: str) -> bool:
    return arg.keyword is not None and arg.keyword.value == name


SPEC = AckEvery()
