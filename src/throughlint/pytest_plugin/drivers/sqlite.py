"""sqlite3: connections opened inside a measured block get a counting subclass through
``connect(factory=...)`` (the C ``Connection.execute`` cannot be patched). Connections
opened earlier are counted with ``throughput.watch(conn)``, via ``set_trace_callback``."""

from __future__ import annotations

import sqlite3
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe

_COUNTED_ABOVE = ("sqlalchemy.", "django.")
_FACTORY_POSITION = 5  # connect(database, timeout, detect_types, isolation_level, thread, factory)


@cache
def _counting_cursor(base: type) -> type:
    class CountingCursor(base):  # type: ignore[misc, valid-type]
        def execute(self, sql, parameters=(), /):
            self.connection._throughlint_probe.statement(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql, seq_of_parameters, /):
            self.connection._throughlint_probe.statement(sql)
            return super().executemany(sql, seq_of_parameters)

        def executescript(self, sql_script, /):
            self.connection._throughlint_probe.statement(sql_script)
            return super().executescript(sql_script)

    CountingCursor.__name__ = CountingCursor.__qualname__ = f"Counting{base.__name__}"
    return CountingCursor


@cache
def _counting_connection(base: type) -> type:
    # Connection.execute() builds its cursor through self.cursor() but then runs the
    # statement in C, so the connection methods count for themselves.
    class CountingConnection(base):  # type: ignore[misc, valid-type]
        _throughlint_probe: Probe

        def cursor(self, factory=sqlite3.Cursor):
            return super().cursor(factory=_counting_cursor(factory))

        def execute(self, sql, parameters=(), /):
            self._throughlint_probe.statement(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql, seq_of_parameters, /):
            self._throughlint_probe.statement(sql)
            return super().executemany(sql, seq_of_parameters)

        def executescript(self, sql_script, /):
            self._throughlint_probe.statement(sql_script)
            return super().executescript(sql_script)

    CountingConnection.__name__ = CountingConnection.__qualname__ = f"Counting{base.__name__}"
    return CountingConnection


def install(probe: Probe):
    original = sqlite3.connect
    patched_dbapi2 = sqlite3.dbapi2.connect is original

    def connect(*args: Any, **kwargs: Any):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller.startswith(_COUNTED_ABOVE):
            # SQLAlchemy and Django count their statements themselves
            return original(*args, **kwargs)
        if len(args) > _FACTORY_POSITION:
            args = (
                *args[:_FACTORY_POSITION],
                _counting_connection(args[_FACTORY_POSITION]),
                *args[_FACTORY_POSITION + 1 :],
            )
        else:
            kwargs["factory"] = _counting_connection(kwargs.get("factory", sqlite3.Connection))
        connection = original(*args, **kwargs)
        connection._throughlint_probe = probe
        return connection

    connect.__wrapped__ = original  # type: ignore[attr-defined]
    sqlite3.connect = connect
    if patched_dbapi2:
        sqlite3.dbapi2.connect = connect

    def restore() -> None:
        sqlite3.connect = original
        if patched_dbapi2:
            sqlite3.dbapi2.connect = original

    return restore


def watch(connection: sqlite3.Connection, probe: Probe):
    """Count statements on a connection opened before the block; returns the undo.
    The trace callback sees every statement SQLite runs, so ``executemany`` counts once
    per row on a watched connection."""
    if isinstance(getattr(connection, "_throughlint_probe", None), type(probe)):
        return lambda: None
    connection.set_trace_callback(probe.statement)
    return lambda: connection.set_trace_callback(None)
