"""``for row in rows: Book.objects.create(title=...)`` -> ``Book.objects.bulk_create(
[Book(title=...) for row in rows])``. Unsafe: no ``save()``, no signals. The conditions
are checked by ``offers.bulk_create``."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes.base import FixContext
from throughlint.fixes.loops import LoopFixSpec, comprehension_for, one_statement, only_expression


class BulkCreate(LoopFixSpec):
    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For)
        call = only_expression(target)
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
