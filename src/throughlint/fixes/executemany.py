"""``for row in rows: cur.execute(SQL, params)`` -> ``cur.executemany(SQL, [params for row
in rows])``; pure assignments before the call that only build the parameters are inlined
into the comprehension. A named list input is guarded (``if rows:``, kind
``executemany:guarded``): over no items the loop sent nothing. The conditions are checked
by ``offers.executemany``."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes import EXECUTEMANY_GUARDED
from throughlint.fixes.base import FixContext
from throughlint.fixes.loops import (
    LoopFixSpec,
    body_statements,
    comprehension_for,
    one_statement,
    parenthesized,
)


class Executemany(LoopFixSpec):
    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For)
        found = execute_and_rows(target)
        if found is None:
            return None
        call, rows = found
        new_call = call.with_changes(
            func=call.func.with_changes(attr=cst.Name("executemany")),
            args=[call.args[0], call.args[1].with_changes(value=rows)],
        )
        statement = one_statement(target, new_call)
        kind = context.diagnostic.fix.kind if context.diagnostic and context.diagnostic.fix else ""
        if kind != EXECUTEMANY_GUARDED:
            return statement
        if not isinstance(target.iter, cst.Name):
            return None
        return cst.If(  # over no items, the loop sent nothing: ``executemany`` would
            test=target.iter,  # still prepare the SQL and begin a transaction
            body=cst.IndentedBlock(body=[statement.with_changes(leading_lines=[])]),
            leading_lines=statement.leading_lines,
        )


def execute_and_rows(loop: cst.For) -> tuple[cst.Call, cst.ListComp] | None:
    """The loop's ``cur.execute(SQL, params)`` and ``[params for ... in ...]`` with the
    assignments before it inlined; None when the body is not that shape."""
    statements = body_statements(loop)
    if not statements or not isinstance(statements[-1], cst.Expr):
        return None
    call = statements[-1].value
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "execute"
        and len(call.args) == 2
        and all(arg.keyword is None and not arg.star for arg in call.args)
    ):
        return None
    params = call.args[1].value
    for statement in reversed(statements[:-1]):
        if not (
            isinstance(statement, cst.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0].target, cst.Name)
        ):
            return None
        name = statement.targets[0].target.value
        params = params.visit(Inline(name, statement.value))
    return call, cst.ListComp(elt=params, for_in=comprehension_for(loop))


class Inline(cst.CSTTransformer):
    """Replace reads of ``name`` with ``value`` (parenthesized where needed)."""

    def __init__(self, name: str, value: cst.BaseExpression) -> None:
        super().__init__()
        self.name = name
        self.value = parenthesized(value)
        self.skip: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name):
        if original_node.value == self.name and id(original_node) not in self.skip:
            return self.value
        return updated_node


SPEC = Executemany()
