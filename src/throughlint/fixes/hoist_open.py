"""An append-mode ``open()`` on each loop pass moves around the loop:

    for row in rows:                      with open(path, "a") as out:
        with open(path, "a") as out:  ->      for row in rows:
            out.write(row)                        out.write(row)

``out = open(path, "a")`` ... ``out.close()`` in the body becomes the same ``with``. The
other statements of the body stay in the loop, in order; comments move with the lines
they sit on. Unsafe (lines reach the disk when the loop ends); the conditions are
``hoist_open_offer``'s."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from throughlint.fixes.base import FixContext, FixSpec


class HoistOpen(FixSpec):
    anchor = cst.Call

    def target(self, stack: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        if len(stack) < 5:
            return None
        holder, statement, block, loop = stack[-2], stack[-3], stack[-4], stack[-5]
        if isinstance(holder, cst.WithItem):
            shaped = isinstance(statement, cst.With) and len(statement.items) == 1
        else:
            shaped = (
                isinstance(holder, cst.Assign)
                and isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
            )
        if (
            shaped
            and isinstance(block, cst.IndentedBlock)
            and isinstance(loop, cst.For)
            and loop.asynchronous is None
            and loop.orelse is None
        ):
            return loop
        return None

    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For) and isinstance(target.body, cst.IndentedBlock)
        body = list(target.body.body)
        for index, statement in enumerate(body):
            if isinstance(statement, cst.With) and _holds(statement.items[0].item, anchor):
                return _around(target, body, index, statement)
            if isinstance(statement, cst.SimpleStatementLine):
                small = statement.body[0]
                if isinstance(small, cst.Assign) and _holds(small.value, anchor):
                    return _assigned_around(target, body, index, statement, small)
        return None


def _holds(node: cst.CSTNode, anchor: cst.CSTNode) -> bool:
    return node is anchor or node.deep_equals(anchor)


def _comments(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    return [line for line in lines if line.comment is not None]


def _around(loop: cst.For, body: list[cst.BaseStatement], index: int, opened: cst.With) -> cst.With:
    """``for: [before] with open(...) as f: inner [after]`` -> ``with ...: for: [before]
    inner [after]``."""
    inner_block = opened.body
    if isinstance(inner_block, cst.IndentedBlock):
        inner = list(inner_block.body)
        header, footer, indent = inner_block.header, list(inner_block.footer), inner_block.indent
    else:  # ``with open(...) as f: f.write(x)`` on one line
        inner = [
            cst.SimpleStatementLine(
                body=inner_block.body, trailing_whitespace=inner_block.trailing_whitespace
            )
        ]
        header, footer, indent = cst.TrailingWhitespace(), [], None
    after = body[index + 1 :]
    if footer and after:
        after[0] = after[0].with_changes(leading_lines=[*footer, *after[0].leading_lines])
        footer = []
    statements = [*body[:index], *inner, *after]
    assert isinstance(loop.body, cst.IndentedBlock)
    footer = [*footer, *loop.body.footer]
    return _with(loop, opened, statements, header, footer, indent, _comments(opened.leading_lines))


def _assigned_around(
    loop: cst.For,
    body: list[cst.BaseStatement],
    index: int,
    line: cst.SimpleStatementLine,
    assign: cst.Assign,
) -> cst.With | None:
    """``for: [before] f = open(...) [middle] f.close() [after]`` -> ``with open(...) as
    f: for: [before] [middle] [after]``."""
    target = assign.targets[0].target
    if len(assign.targets) != 1 or not isinstance(target, cst.Name):
        return None
    closes = [at for at in range(index + 1, len(body)) if _closes(body[at], target.value)]
    if len(closes) != 1:
        return None
    close = body[closes[0]]
    kept = [cst.EmptyLine(comment=c.comment) for c in _comments(close.leading_lines)]
    if isinstance(close, cst.SimpleStatementLine) and close.trailing_whitespace.comment:
        kept.append(cst.EmptyLine(comment=close.trailing_whitespace.comment))
    after = body[closes[0] + 1 :]
    assert isinstance(loop.body, cst.IndentedBlock)
    footer = list(loop.body.footer)
    if kept and after:
        after[0] = after[0].with_changes(leading_lines=[*kept, *after[0].leading_lines])
    elif kept:
        footer = [*kept, *footer]
    statements = [*body[:index], *body[index + 1 : closes[0]], *after]
    if not statements:
        return None
    opened = cst.With(
        items=[cst.WithItem(item=assign.value, asname=cst.AsName(name=target))],
        body=cst.IndentedBlock(body=[]),
    )
    return _with(
        loop, opened, statements, line.trailing_whitespace, footer, None,
        _comments(line.leading_lines),
    )  # fmt: skip


def _closes(statement: cst.BaseStatement, name: str) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    expression = statement.body[0]
    if not isinstance(expression, cst.Expr) or not isinstance(expression.value, cst.Call):
        return False
    func = expression.value.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "close"
        and isinstance(func.value, cst.Name)
        and func.value.value == name
        and not expression.value.args
    )


def _with(
    loop: cst.For,
    opened: cst.With,
    statements: list[cst.BaseStatement],
    header: cst.TrailingWhitespace,
    footer: list[cst.EmptyLine],
    indent: str | None,
    above: list[cst.EmptyLine],
) -> cst.With:
    """``opened`` around ``loop``, whose body becomes ``statements`` and ``footer``."""
    assert isinstance(loop.body, cst.IndentedBlock)
    block = loop.body.with_changes(body=statements, footer=footer)
    inner_loop = loop.with_changes(body=block, leading_lines=[])
    return opened.with_changes(
        body=cst.IndentedBlock(body=[inner_loop], header=header, indent=indent),
        leading_lines=[*loop.leading_lines, *above],
    )


SPEC = HoistOpen()
