"""``for k, v in items: cache.set(k, v)`` -> ``cache.set_many({k: v for k, v in items})``,
keeping a timeout argument. The conditions are checked by ``offers.set_many``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from throughlint.fixes.base import FixContext, FixSpec
from throughlint.fixes.loops import body_statements, comprehension_for, loop_around, one_statement


class SetMany(FixSpec):
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
            and call.func.attr.value == "set"
            and len(call.args) >= 2
            and call.args[0].keyword is None
            and call.args[1].keyword is None
            and not any(arg.star for arg in call.args)
        ):
            return None
        key, value = call.args[0].value, call.args[1].value
        mapping = cst.DictComp(key=key, value=value, for_in=comprehension_for(target))
        new_call = call.with_changes(
            func=call.func.with_changes(attr=cst.Name("set_many")),
            args=[
                call.args[0].with_changes(value=mapping, comma=call.args[1].comma),
                *call.args[2:],
            ],
        )
        return one_statement(target, new_call)


SPEC = SetMany()
