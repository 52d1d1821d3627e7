"""asyncpg: ``asyncpg.connect`` (and the ``asyncpg.connection.connect`` that pools call) is
wrapped for the session (:func:`track`) to pass a counting subclass through the public
``connection_class=`` argument. Its query methods (``execute``, ``executemany``,
``fetch``, ``fetchrow``, ``fetchval``, ``fetchmany``) count one statement each, in the
caller's frame, so the N+1 detector sees the loop. ``executemany`` is one: asyncpg
pipelines the rows. Statements run through ``prepare()`` and cursors are not counted (the
prepared statement class cannot be chosen through a public hook); SQLAlchemy's asyncpg
dialect runs that way and counts its statements itself.

``Connection.add_query_logger`` (asyncpg >= 0.29) was not used: it calls its loggers
through ``loop.call_soon`` after the query, with no trace of the code that sent it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from throughlint.pytest_plugin.drivers.sink import Sink, install_session_wide

_MARK = "_throughlint_counting"
SINK = Sink()


@cache
def _counting_connection(base: type) -> type:
    from asyncpg import Connection

    if not (isinstance(base, type) and issubclass(base, Connection)) or getattr(base, _MARK, False):
        return base

    class CountingConnection(base):  # type: ignore[misc, valid-type]
        async def execute(self, query, *args, **kwargs):
            SINK.statement(query)
            return await super().execute(query, *args, **kwargs)

        async def executemany(self, command, *args, **kwargs):
            SINK.statement(command)
            return await super().executemany(command, *args, **kwargs)

        async def fetch(self, query, *args, **kwargs):
            SINK.statement(query)
            return await super().fetch(query, *args, **kwargs)

        async def fetchrow(self, query, *args, **kwargs):
            SINK.statement(query)
            return await super().fetchrow(query, *args, **kwargs)

        async def fetchval(self, query, *args, **kwargs):
            SINK.statement(query)
            return await super().fetchval(query, *args, **kwargs)

        async def fetchmany(self, query, *args, **kwargs):
            SINK.statement(query)
            return await super().fetchmany(query, *args, **kwargs)

    setattr(CountingConnection, _MARK, True)
    CountingConnection.__name__ = CountingConnection.__qualname__ = f"Counting{base.__name__}"
    return CountingConnection


def track() -> Callable[[], None] | None:
    """Wrap asyncpg's connect for the session if asyncpg is imported; returns the undo.
    Idempotent."""
    package = sys.modules.get("asyncpg")
    module = sys.modules.get("asyncpg.connection")
    if package is None or module is None:
        return None
    original = module.connect
    if getattr(original, _MARK, False):
        return lambda: None

    async def connect(*args: Any, **kwargs: Any):
        kwargs["connection_class"] = _counting_connection(
            kwargs.get("connection_class", module.Connection)
        )
        return await original(*args, **kwargs)

    connect.__wrapped__ = original  # type: ignore[attr-defined]
    connect.__doc__ = original.__doc__
    setattr(connect, _MARK, True)
    module.connect = connect
    patched_package = package.connect is original
    if patched_package:
        package.connect = connect

    def restore() -> None:
        if module.connect is connect:
            module.connect = original
        if patched_package and package.connect is connect:
            package.connect = original

    return restore


def install(probe):
    return install_session_wide("asyncpg", track, SINK, probe)
