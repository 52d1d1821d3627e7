"""Shared parts of the loop fixes: find ``for ...: <statements>`` around the anchor call,
and turn the loop into one statement without losing its comments."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from throughlint.fixes.base import FixSpec


def loop_around(stack: Sequence[cst.CSTNode]) -> cst.For | None:
    """The ``for`` whose body holds the anchor call as a statement of its own:
    ``For > IndentedBlock > SimpleStatementLine > Expr > Call``."""
    if len(stack) < 5:
        return None
    call, expr, line, block, loop = stack[-1], stack[-2], stack[-3], stack[-4], stack[-5]
    if (
        isinstance(loop, cst.For)
        and isinstance(block, cst.IndentedBlock)
        and isinstance(line, cst.SimpleStatementLine)
        and len(line.body) == 1
        and isinstance(expr, cst.Expr)
        and expr.value is call
        and loop.asynchronous is None
        and loop.orelse is None
    ):
        return loop
    return None


class LoopFixSpec(FixSpec):
    """A fix that rewrites the ``for`` around its anchor call."""

    anchor = cst.Call

    def target(self, stack: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        return loop_around(stack)


def only_expression(loop: cst.For) -> cst.BaseExpression | None:
    """The value of the body's one statement when that is an expression, else None."""
    statements = body_statements(loop)
    if not statements or len(statements) != 1 or not isinstance(statements[0], cst.Expr):
        return None
    return statements[0].value


def body_statements(loop: cst.For) -> list[cst.BaseSmallStatement] | None:
    """The body as small statements, one per line; None for anything else."""
    if not isinstance(loop.body, cst.IndentedBlock):
        return None
    found = []
    for line in loop.body.body:
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return None
        found.append(line.body[0])
    return found


def kept_comments(loop: cst.For) -> tuple[list[cst.EmptyLine], cst.TrailingWhitespace]:
    """Comment lines to put above the replacement (the loop's own, the header's and those
    inside the body), and the trailing comment of the body's last line."""
    lines = list(loop.leading_lines)
    assert isinstance(loop.body, cst.IndentedBlock)
    header = loop.body.header
    if header.comment is not None:
        lines.append(cst.EmptyLine(comment=header.comment))
    trailing = cst.TrailingWhitespace()
    for index, line in enumerate(loop.body.body):
        for empty in line.leading_lines:
            if empty.comment is not None:
                lines.append(cst.EmptyLine(comment=empty.comment))
        if isinstance(line, cst.SimpleStatementLine) and line.trailing_whitespace.comment:
            if index == len(loop.body.body) - 1:
                trailing = line.trailing_whitespace
            else:
                lines.append(cst.EmptyLine(comment=line.trailing_whitespace.comment))
    for empty in loop.body.footer:
        if empty.comment is not None:
            lines.append(cst.EmptyLine(comment=empty.comment))
    return lines, trailing


def comprehension_for(loop: cst.For) -> cst.CompFor:
    return cst.CompFor(target=loop.target, iter=loop.iter)


WRAP_AT = 80


def one_statement(loop: cst.For, call: cst.Call) -> cst.SimpleStatementLine:
    """``call`` as a statement in place of ``loop``, keeping the comments; its arguments
    go one per line when it would be long."""
    lines, trailing = kept_comments(loop)
    statement = cst.SimpleStatementLine(
        body=[cst.Expr(call)], leading_lines=lines, trailing_whitespace=trailing
    )
    bare = statement.with_changes(leading_lines=[], trailing_whitespace=cst.TrailingWhitespace())
    code = cst.Module(body=[]).code_for_node(bare)
    if "\n" not in code.rstrip("\r\n") and len(code) > WRAP_AT:  # a call already on
        # several lines keeps its own line breaks and the comments in them
        statement = statement.with_changes(body=[cst.Expr(_one_argument_per_line(call))])
    return statement


def _one_argument_per_line(call: cst.Call) -> cst.Call:
    def newline(extra: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            indent=True,
            last_line=cst.SimpleWhitespace(extra),
        )

    args = [
        arg.with_changes(comma=cst.Comma(whitespace_after=newline("    "))) for arg in call.args
    ]
    args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=newline("")))
    return call.with_changes(whitespace_before_args=newline("    "), args=args)


def parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    """``node`` safe to put where an operand is expected."""
    if isinstance(
        node,
        (
            cst.Name, cst.Attribute, cst.Subscript, cst.Call, cst.BaseNumber, cst.BaseString,
            cst.List, cst.Dict, cst.Set,
        ),
    ) or node.lpar:  # fmt: skip
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
