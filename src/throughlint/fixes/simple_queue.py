"""``queue.SimpleQueue()`` -> ``queue.Queue(maxsize=1000)``, keeping the file's import
style: ``queue.SimpleQueue()`` becomes ``queue.Queue(...)``; a name imported with
``from queue import SimpleQueue`` becomes ``Queue(...)`` with ``Queue`` imported from
``queue`` (an existing import of ``queue.Queue`` is reused) and the old import dropped
when nothing else uses it. Declines when every spelling would shadow another name."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from throughlint.fixes.base import FixContext, FixSpec


class SimpleQueueToQueue(FixSpec):
    anchor = cst.Call

    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.Call)
        if target.args:
            return None
        func = _queue_class(target.func, context)
        if func is None:
            return None
        size = cst.Arg(
            keyword=cst.Name("maxsize"),
            value=cst.Integer(str(context.settings.queue_maxsize)),
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            ),
        )
        return target.with_changes(func=func, args=[size])


def _queue_class(func: cst.BaseExpression, context: FixContext) -> cst.BaseExpression | None:
    if isinstance(func, cst.Attribute):  # queue.SimpleQueue / q.SimpleQueue
        return func.with_changes(attr=cst.Name("Queue"))
    if not isinstance(func, cst.Name):
        return None
    imports = _module_imports(context.module)
    local = imports.get(("queue", "Queue"))
    if local is not None:
        spelling: cst.BaseExpression = cst.Name(local)
    elif (module_alias := imports.get(("queue", None))) is not None:
        spelling = cst.Attribute(value=cst.Name(module_alias), attr=cst.Name("Queue"))
    elif "Queue" not in context.names:
        context.add_import("queue", "Queue")
        spelling = cst.Name("Queue")
    elif "queue" not in context.names:
        context.add_import("queue")
        spelling = cst.Attribute(value=cst.Name("queue"), attr=cst.Name("Queue"))
    else:
        return None
    old = imports.get(("queue", "SimpleQueue"))
    if old == func.value:
        context.drop_import_if_unused(
            "queue", "SimpleQueue", func.value if func.value != "SimpleQueue" else None
        )
    return spelling


def _module_imports(module: cst.Module) -> dict[tuple[str, str | None], str]:
    """Top-level ``import queue [as q]`` and ``from queue import X [as Y]``: what local name
    each (module, object) pair is bound to; object None for the module itself."""
    found: dict[tuple[str, str | None], str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = get_full_name_for_node(alias.name)
                    if name is None:
                        continue
                    if "." in name and alias.asname is None:  # import a.b binds a, a.b
                        found.setdefault((name.split(".")[0], None), name.split(".")[0])
                    found.setdefault((name, None), _asname(alias) or name)
            elif (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and not isinstance(small.names, cst.ImportStar)
            ):
                module_name = get_full_name_for_node(small.module)
                for alias in small.names:
                    name = get_full_name_for_node(alias.name)
                    if module_name and name:
                        found.setdefault((module_name, name), _asname(alias) or name)
    return found


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
        return None
    return alias.asname.name.value


SPEC = SimpleQueueToQueue()
