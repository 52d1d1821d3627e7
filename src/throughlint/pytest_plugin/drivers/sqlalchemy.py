"""SQLAlchemy: listeners on the ``Engine`` class count the statements of every engine, sync
or async; the driver underneath (pysqlite, aiosqlite) is told not to count them again."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe


def install(probe: Probe):
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    had_events = Engine.__dict__.get("_has_events", False)

    def before(conn, cursor, statement, parameters, context, executemany):
        probe.statement(statement)
        probe.claim(statement)

    def after(conn, cursor, statement, parameters, context, executemany):
        probe.release(statement)

    def error(context):
        if context.statement is not None:
            probe.release(context.statement)

    listeners = (("before_cursor_execute", before), ("after_cursor_execute", after))
    for name, listener in listeners:
        event.listen(Engine, name, listener)
    event.listen(Engine, "handle_error", error)

    def restore() -> None:
        for name, listener in listeners:
            event.remove(Engine, name, listener)
        event.remove(Engine, "handle_error", error)
        if not had_events:
            # listening set the class flag that makes every engine dispatch events
            Engine._has_events = False

    return restore
