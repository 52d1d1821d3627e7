"""``queue.SimpleQueue()`` -> ``queue.Queue(maxsize=1000)``, keeping the file's import
style: ``queue.SimpleQueue()`` becomes ``queue.Queue(...)``; a name imported with
``from queue import SimpleQueue`` becomes ``Queue(...)`` with ``Queue`` imported from
``queue`` (an existing import of ``queue.Queue`` is reused). The old import stays: a
module's imported names are part of what other modules may import from it (``from jobs
import SimpleQueue``). Declines when every spelling would shadow another name."""

from __future__ import annotations

import libcst as cst

from throughlint.fixes.base import FixContext, FixSpec
from throughlint.fixes.imports import reference


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
    spelling = reference(context, "queue", "Queue", module_fallback=True)
    if spelling is None:
        return None
    return spelling


SPEC = SimpleQueueToQueue()
