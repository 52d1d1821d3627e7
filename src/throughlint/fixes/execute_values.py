"""psycopg2: ``for row in rows: cur.execute("INSERT ... VALUES (%s, %s)", params)`` ->
``execute_values(cur, "INSERT ... VALUES %s", [params for row in rows])``, imported from
``psycopg2.extras`` in the file's style. Unsafe: the SQL text changes, and rows are sent
in pages of 100 statements. The conditions are in ``offers.executemany``."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes.base import FixContext
from throughlint.fixes.executemany import execute_and_rows
from throughlint.fixes.imports import spelt
from throughlint.fixes.loops import LoopFixSpec, one_statement
from throughlint.fixes.offers import VALUES_GROUP
from throughlint.fixes.spelling import execute_values_spelling


class ExecuteValues(LoopFixSpec):
    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For)
        found = execute_and_rows(target)
        if found is None:
            return None
        call, rows = found
        sql = call.args[0].value
        if not isinstance(sql, cst.SimpleString) or len(VALUES_GROUP.findall(sql.value)) != 1:
            return None
        assert isinstance(call.func, cst.Attribute)
        function = _execute_values(context)
        if function is None:
            return None
        new_sql = sql.with_changes(value=VALUES_GROUP.sub("VALUES %s", sql.value))
        new_call = cst.Call(
            func=function,
            args=[cst.Arg(call.func.value), cst.Arg(new_sql), cst.Arg(rows)],
        )
        return one_statement(target, new_call)


def _execute_values(context: FixContext) -> cst.BaseExpression | None:
    return spelt(context, execute_values_spelling(context.tree()))


SPEC = ExecuteValues()
