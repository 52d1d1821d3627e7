"""One module per driver; each ``install(probe)`` returns the function that undoes it, or
None when its library is not in use. Libraries are never imported here: a driver whose
library the test has not imported has nothing to count."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe

DRIVERS: tuple[str, ...] = (
    "sqlite",
    "psycopg2",
    "psycopg",
    "asyncpg",
    "sqlalchemy",
    "django",
    "urllib3",
    "httpx",
    "redis",
    "botocore",
)
# drivers whose connections are counted wherever they were opened: their ``track()``
# wraps the library's connect for the whole session once it is imported
SESSION_WIDE: tuple[str, ...] = ("psycopg2", "psycopg", "asyncpg", "botocore")


def track_imported() -> list[Callable[[], None]]:
    """Wrap the connect function of every session-wide driver whose library is imported
    now; returns the undos."""
    undo = []
    for name in SESSION_WIDE:
        restore = importlib.import_module(f"{__name__}.{name}").track()
        if restore is not None:
            undo.append(restore)
    return undo


def install_all(
    probe: Probe, skip: frozenset[str] = frozenset()
) -> list[tuple[str, Callable[[], None]]]:
    """Install every driver not in ``skip`` whose library is in use; returns
    ``(name, undo)`` for those installed."""
    undo: list[tuple[str, Callable[[], None]]] = []
    try:
        for name in DRIVERS:
            if name in skip:
                continue
            module = importlib.import_module(f"{__name__}.{name}")
            restore = module.install(probe)
            if restore is not None:
                undo.append((name, restore))
    except BaseException:
        for _, restore in reversed(undo):
            restore()
        raise
    return undo
