"""psycopg2: ``for row in rows: cur.execute("INSERT ... VALUES (%s, %s)", params)`` ->
``execute_values(cur, "INSERT ... VALUES %s", [params for row in rows])``, imported from
``psycopg2.extras`` in the file's style. Unsafe: the SQL text changes, and rows are sent
in pages of 100 statements. The conditions are in ``offers.executemany``."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes.base import FixContext
from throughlint.fixes.executemany import execute_and_rows
from throughlint.fixes.imports import existing_reference, module_imports
from throughlint.fixes.loops import LoopFixSpec, one_statement
from throughlint.fixes.offers import VALUES_GROUP


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
    imports = module_imports(context.module)
    existing = existing_reference(imports, "psycopg2.extras", "execute_values")
    if existing is not None:
        return existing
    from_extras = any(module == "psycopg2.extras" and obj for module, obj in imports)
    if from_extras and "execute_values" not in context.names:
        context.add_import("psycopg2.extras", "execute_values")
        return cst.Name("execute_values")
    if ("psycopg2", None) in imports and "psycopg2" in context.names:
        context.add_import("psycopg2.extras")
        return cst.parse_expression("psycopg2.extras.execute_values")
    if "execute_values" not in context.names:
        context.add_import("psycopg2.extras", "execute_values")
        return cst.Name("execute_values")
    return None


SPEC = ExecuteValues()
