"""``for row in rows: Book.objects.create(title=...)`` -> ``Book.objects.bulk_create(
[Book(title=...) for row in rows])``. Unsafe: no ``save()``, no signals. The conditions
are checked by ``offers.bulk_create``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from throughlint.fixes.base import FixContext, FixSpec
from throughlint.fixes.loops import body_statements, comprehension_for, loop_around, one_statement


class BulkCreate(FixSpec):
    anchor = cst.Call

    def target(self, stack: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        return loop_around(stack)

    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For)
        statements = body_statements(target)
        if not statements or len(statements) != 1 or not isinstance(statements[0], cst.Expr):
            return None
        call = statements[0].value
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "create"
            and isinstance(call.func.value, cst.Attribute)
            and call.args
            and all(arg.keyword is not None for arg in call.args)
        ):
            return None
        model = call.func.value.value
        instance = cst.Call(func=model, args=call.args)
        objects = cst.ListComp(elt=instance, for_in=comprehension_for(target))
        new_call = call.with_changes(
            func=call.func.with_changes(attr=cst.Name("bulk_create")),
            args=[cst.Arg(objects)],
        )
        return one_statement(target, new_call)


SPEC = BulkCreate()
