"""psycopg2: ``psycopg2.connect`` is wrapped for the session (:func:`track`) to pass a
counting ``connection_factory``, whose ``cursor()`` hands out counting subclasses of the
cursor class it would have used (``cursor_factory`` on the call or the connection,
``DictCursor`` and friends included). A connection opened in a fixture counts; one opened
at import time of a test module, before collection ended, does not.

``execute`` is one statement; ``executemany`` one per row, because psycopg2 runs it as one
round trip per row. Statements that SQLAlchemy or Django counted are not counted again."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from throughlint.pytest_plugin.drivers.sink import Sink, install_session_wide

_MARK = "_throughlint_counting"
SINK = Sink()


def _countable(base: object, kind: type) -> bool:
    return isinstance(base, type) and issubclass(base, kind) and not getattr(base, _MARK, False)


@cache
def _counting_cursor(base: type) -> type:
    from psycopg2.extensions import cursor

    if not _countable(base, cursor):
        return base

    class CountingCursor(base):  # type: ignore[misc, valid-type]
        def execute(self, query, *args, **kwargs):
            SINK.statement(query, self)
            return super().execute(query, *args, **kwargs)

        def executemany(self, query, vars_list, *args, **kwargs):
            rows = vars_list if isinstance(vars_list, (list, tuple)) else list(vars_list)
            SINK.statement(query, self, times=len(rows))
            return super().executemany(query, rows, *args, **kwargs)

        def callproc(self, procname, *args, **kwargs):
            SINK.statement(f"CALL {procname}()")
            return super().callproc(procname, *args, **kwargs)

    setattr(CountingCursor, _MARK, True)
    CountingCursor.__name__ = CountingCursor.__qualname__ = f"Counting{base.__name__}"
    return CountingCursor


@cache
def _counting_connection(base: type) -> type:
    from psycopg2.extensions import connection, cursor

    if not _countable(base, connection):
        return base
    # a base that overrides cursor() may choose its own default cursor class
    plain = base.cursor is connection.cursor

    class CountingConnection(base):  # type: ignore[misc, valid-type]
        def cursor(self, *args, **kwargs):
            if len(args) > 1:  # cursor(name, cursor_factory, ...)
                args = (
                    args[0],
                    _counting_cursor(args[1] or self.cursor_factory or cursor),
                    *args[2:],
                )
                return super().cursor(*args, **kwargs)
            factory = kwargs.get("cursor_factory") or self.cursor_factory
            if factory is None and not plain:
                chosen = super().cursor(*args, **kwargs)
                if _counting_cursor(type(chosen)) is type(chosen):
                    return chosen
                factory = type(chosen)
                chosen.close()
            kwargs["cursor_factory"] = _counting_cursor(factory or cursor)
            return super().cursor(*args, **kwargs)

    setattr(CountingConnection, _MARK, True)
    CountingConnection.__name__ = CountingConnection.__qualname__ = f"Counting{base.__name__}"
    return CountingConnection


def track() -> Callable[[], None] | None:
    """Wrap ``psycopg2.connect`` for the session if psycopg2 is imported; returns the
    undo. Idempotent."""
    module = sys.modules.get("psycopg2")
    if module is None or not hasattr(module, "connect"):
        return None
    original = module.connect
    if getattr(original, _MARK, False):
        return lambda: None

    def connect(*args: Any, **kwargs: Any):
        from psycopg2.extensions import connection

        if len(args) > 1:  # connect(dsn, connection_factory, cursor_factory, ...)
            args = (args[0], _counting_connection(args[1] or connection), *args[2:])
        else:
            kwargs["connection_factory"] = _counting_connection(
                kwargs.get("connection_factory") or connection
            )
        return original(*args, **kwargs)

    connect.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(connect, _MARK, True)
    module.connect = connect

    def restore() -> None:
        if module.connect is connect:
            module.connect = original

    return restore


def install(probe):
    return install_session_wide("psycopg2", track, SINK, probe)


def watch(conn: Any) -> Callable[[], None] | None:
    """Count a psycopg2 connection opened before :func:`track` (at import time of a test
    module) through its ``cursor_factory``; None if ``conn`` is not one. A cursor class
    passed to ``conn.cursor()`` itself is not counted."""
    module = sys.modules.get("psycopg2")
    if module is None:
        return None
    from psycopg2.extensions import connection, cursor

    if not isinstance(conn, connection):
        return None
    if getattr(type(conn), _MARK, False):
        return lambda: None
    before = conn.cursor_factory
    if before is None and type(conn).cursor is not connection.cursor:
        raise TypeError(
            f"throughput.watch(): {type(conn).__name__} chooses its own cursor class;"
            " open the connection inside the test or a fixture instead"
        )
    conn.cursor_factory = _counting_cursor(before or cursor)

    def restore() -> None:
        conn.cursor_factory = before

    return restore
