"""Where a session-wide counting class reports: the probe of the open measured block, or
nobody (one attribute test per statement while no block is open)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe


class Sink:
    probe: Probe | None = None

    def statement(self, sql: object, context: object = None, times: int = 1) -> None:
        """``times`` statements of ``sql``; ``context`` (a cursor) renders a psycopg
        ``sql.Composable``."""
        probe = self.probe
        if probe is None:
            return
        text = sql if isinstance(sql, str) else _text(sql, context)
        for _ in range(times):
            probe.driver_statement(text)

    def route(self, probe: Probe):
        """Send counts to ``probe`` until the returned undo runs."""
        self.probe = probe

        def restore() -> None:
            if self.probe is probe:
                self.probe = None

        return restore


def install_session_wide(
    library: str, track: Callable[[], Callable[[], None] | None], sink: Sink, probe: Probe
) -> Callable[[], None] | None:
    """A session-wide driver's ``install``: None when ``library`` is not imported; else its
    connect is wrapped (``track``: kept when the session hook wrapped it already) and its
    counts go to ``probe`` until the returned undo runs."""
    if library not in sys.modules:
        return None
    undo_track = track()
    undo_route = sink.route(probe)

    def restore() -> None:
        undo_route()
        # a wrapper installed by the session hook outlives the block; one installed here
        # goes with it
        if undo_track is not None:
            undo_track()

    return restore


def _text(sql: object, context: object) -> str:
    if isinstance(sql, (bytes, bytearray, memoryview)):
        return bytes(sql).decode("utf-8", "replace")
    as_string = getattr(sql, "as_string", None)  # psycopg's sql.Composable
    if as_string is not None:
        try:
            return as_string(context)
        except Exception:  # a closed context: fall back to its parts
            pass
    return str(sql)
