"""``for k, v in items: cache.set(k, v)`` -> ``cache.set_many({k: v for k, v in items})``,
keeping a timeout argument. The conditions are checked by ``offers.set_many``."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes.base import FixContext
from throughlint.fixes.loops import LoopFixSpec, comprehension_for, one_statement, only_expression


class SetMany(LoopFixSpec):
    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For)
        call = only_expression(target)
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
