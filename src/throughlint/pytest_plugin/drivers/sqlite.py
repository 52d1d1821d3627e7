"""sqlite3: every connection opened while the plugin is loaded is a counting subclass,
given through ``connect(factory=...)`` (the C ``Connection.execute`` cannot be patched), so
a connection opened in a fixture, a conftest or at module level counts too.

``sqlite3.connect`` is wrapped once per session (:func:`track`); the counting methods
report to the probe of the open measured block, and cost one attribute test when none
is open. A statement that SQLAlchemy or Django has already counted (aiosqlite,
SQLAlchemy's async engine and Django's connections all end here) is claimed by that layer
on the probe and not counted again. ``throughput.watch(conn)`` is left for connections
opened before the plugin loaded, through ``set_trace_callback``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe

_FACTORY_POSITION = 5  # connect(database, timeout, detect_types, isolation_level, thread, factory)
_MARK = "_throughlint_counting"


class _Sink:
    """Where the counting classes report: the installed probe, or nobody."""

    probe: Probe | None = None


SINK = _Sink()


def _report(sql: str) -> None:
    probe = SINK.probe
    if probe is not None:
        probe.driver_statement(sql)


def _countable(base: object, kind: type) -> bool:
    """A class we can subclass: a factory may also be any callable returning one."""
    return isinstance(base, type) and issubclass(base, kind) and not getattr(base, _MARK, False)


@cache
def _counting_cursor(base: type) -> type:
    if not _countable(base, sqlite3.Cursor):
        return base

    class CountingCursor(base):  # type: ignore[misc, valid-type]
        def execute(self, sql, *args, **kwargs):
            _report(sql)
            return super().execute(sql, *args, **kwargs)

        def executemany(self, sql, *args, **kwargs):
            _report(sql)
            return super().executemany(sql, *args, **kwargs)

        def executescript(self, sql_script, *args, **kwargs):
            _report(sql_script)
            return super().executescript(sql_script, *args, **kwargs)

    setattr(CountingCursor, _MARK, True)
    CountingCursor.__name__ = CountingCursor.__qualname__ = f"Counting{base.__name__}"
    return CountingCursor


@cache
def _counting_connection(base: type) -> type:
    if not _countable(base, sqlite3.Connection):
        return base

    # Connection.execute() builds its cursor through self.cursor() but then runs the
    # statement in C, so the connection methods count for themselves.
    class CountingConnection(base):  # type: ignore[misc, valid-type]
        def cursor(self, factory=sqlite3.Cursor):
            return super().cursor(factory=_counting_cursor(factory))

        def execute(self, sql, *args, **kwargs):
            _report(sql)
            return super().execute(sql, *args, **kwargs)

        def executemany(self, sql, *args, **kwargs):
            _report(sql)
            return super().executemany(sql, *args, **kwargs)

        def executescript(self, sql_script, *args, **kwargs):
            _report(sql_script)
            return super().executescript(sql_script, *args, **kwargs)

    setattr(CountingConnection, _MARK, True)
    CountingConnection.__name__ = CountingConnection.__qualname__ = f"Counting{base.__name__}"
    return CountingConnection


def track() -> Callable[[], None]:
    """Wrap ``sqlite3.connect`` for the session; returns the undo. Idempotent: an inner
    pytest run in the same process (pytester) keeps the outer wrapper."""
    original = sqlite3.connect
    if getattr(original, _MARK, False):
        return lambda: None
    patched_dbapi2 = sqlite3.dbapi2.connect is original

    def connect(*args: Any, **kwargs: Any):
        if len(args) > _FACTORY_POSITION:
            args = (
                *args[:_FACTORY_POSITION],
                _counting_connection(args[_FACTORY_POSITION]),
                *args[_FACTORY_POSITION + 1 :],
            )
        else:
            kwargs["factory"] = _counting_connection(kwargs.get("factory", sqlite3.Connection))
        return original(*args, **kwargs)

    connect.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(connect, _MARK, True)
    sqlite3.connect = connect
    if patched_dbapi2:
        sqlite3.dbapi2.connect = connect

    def restore() -> None:
        if sqlite3.connect is connect:
            sqlite3.connect = original
        if patched_dbapi2 and sqlite3.dbapi2.connect is connect:
            sqlite3.dbapi2.connect = original

    return restore


def install(probe: Probe):
    """Route the counting connections to ``probe`` while a measured block is open."""
    SINK.probe = probe

    def restore() -> None:
        if SINK.probe is probe:
            SINK.probe = None

    return restore


def counted(connection: Any) -> bool:
    return bool(getattr(type(connection), _MARK, False))


def watch(connection: sqlite3.Connection, probe: Probe):
    """Count statements on a connection opened before the plugin loaded; returns the
    undo. The trace callback sees every statement SQLite runs, so ``executemany`` counts
    once per row on a watched connection."""
    if counted(connection):
        return lambda: None
    connection.set_trace_callback(probe.driver_statement)
    return lambda: connection.set_trace_callback(None)
