"""SQLAlchemy: one listener on the ``Engine`` class counts the statements of every engine."""

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

    event.listen(Engine, "before_cursor_execute", before)

    def restore() -> None:
        event.remove(Engine, "before_cursor_execute", before)
        if not had_events:
            # listening set the class flag that makes every engine dispatch events
            Engine._has_events = False

    return restore
