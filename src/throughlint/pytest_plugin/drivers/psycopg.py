"""psycopg 3, sync and async: ``Connection.connect`` and ``AsyncConnection.connect`` (and
``psycopg.connect``) are wrapped for the session (:func:`track`) to give each new
connection counting subclasses of its ``cursor_factory`` and ``server_cursor_factory``
(public attributes); ``conn.execute()`` goes through them too.

``execute`` is one statement. ``executemany`` is one round trip where libpq supports
pipeline mode (psycopg sends every row in one pipeline and syncs once), else one per row.
Inside an explicit ``conn.pipeline()`` block each ``execute`` still counts as one
statement, although psycopg batches them. Statements that SQLAlchemy or Django counted are
not counted again."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from throughlint.pytest_plugin.drivers.sink import Sink, install_session_wide

_MARK = "_throughlint_counting"
SINK = Sink()


@cache
def _pipelined() -> bool:
    from psycopg import Pipeline

    return Pipeline.is_supported()


def _rows(params_seq: Any) -> tuple[Any, int]:
    """``executemany``'s rows and the round trips they cost."""
    if _pipelined():
        return params_seq, 1
    rows = params_seq if isinstance(params_seq, (list, tuple)) else list(params_seq)
    return rows, len(rows)


@cache
def _counting_cursor(base: type) -> type:
    if not isinstance(base, type) or getattr(base, _MARK, False):
        return base
    if inspect.iscoroutinefunction(getattr(base, "execute", None)):

        class CountingCursor(base):  # type: ignore[misc, valid-type]
            async def execute(self, query, *args, **kwargs):
                SINK.statement(query, self)
                return await super().execute(query, *args, **kwargs)

            async def executemany(self, query, params_seq, *args, **kwargs):
                params_seq, times = _rows(params_seq)
                SINK.statement(query, self, times=times)
                return await super().executemany(query, params_seq, *args, **kwargs)

    else:

        class CountingCursor(base):  # type: ignore[misc, valid-type, no-redef]
            def execute(self, query, *args, **kwargs):
                SINK.statement(query, self)
                return super().execute(query, *args, **kwargs)

            def executemany(self, query, params_seq, *args, **kwargs):
                params_seq, times = _rows(params_seq)
                SINK.statement(query, self, times=times)
                return super().executemany(query, params_seq, *args, **kwargs)

    setattr(CountingCursor, _MARK, True)
    CountingCursor.__name__ = CountingCursor.__qualname__ = f"Counting{base.__name__}"
    return CountingCursor


def _count(connection: Any) -> Any:
    connection.cursor_factory = _counting_cursor(connection.cursor_factory)
    connection.server_cursor_factory = _counting_cursor(connection.server_cursor_factory)
    return connection


def _wrap(cls: type, asynchronous: bool) -> Callable[[], None]:
    original = cls.__dict__["connect"]
    if getattr(original.__func__, _MARK, False):
        return lambda: None
    if asynchronous:

        async def connect(cls, *args: Any, **kwargs: Any):
            return _count(await original.__func__(cls, *args, **kwargs))

    else:

        def connect(cls, *args: Any, **kwargs: Any):  # type: ignore[misc]
            return _count(original.__func__(cls, *args, **kwargs))

    connect.__wrapped__ = original.__func__  # type: ignore[attr-defined]
    connect.__doc__ = original.__func__.__doc__
    setattr(connect, _MARK, True)
    cls.connect = classmethod(connect)  # type: ignore[attr-defined]

    def restore() -> None:
        if cls.__dict__.get("connect") is not original:
            cls.connect = original  # type: ignore[attr-defined]

    return restore


def track() -> Callable[[], None] | None:
    """Wrap the connect methods for the session if psycopg is imported; returns the undo.
    Idempotent."""
    module = sys.modules.get("psycopg")
    if module is None or not hasattr(module, "AsyncConnection"):
        return None
    undo = [_wrap(module.Connection, False), _wrap(module.AsyncConnection, True)]
    module.connect = module.Connection.connect

    def restore() -> None:
        for step in reversed(undo):
            step()
        module.connect = module.Connection.connect

    return restore


def install(probe):
    return install_session_wide("psycopg", track, SINK, probe)


def watch(connection: Any) -> Callable[[], None] | None:
    """Count a psycopg connection opened before :func:`track` (at import time of a test
    module); None if ``connection`` is not one."""
    module = sys.modules.get("psycopg")
    if module is None or not isinstance(connection, (module.Connection, module.AsyncConnection)):
        return None
    before = connection.cursor_factory, connection.server_cursor_factory
    _count(connection)

    def restore() -> None:
        connection.cursor_factory, connection.server_cursor_factory = before

    return restore
